package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/internal/testservers"
)

// TestEvidenceS3Bucket runs the evidence flow with the community's bucket
// on an S3 server that verifies signatures, configured through the bucket
// endpoint; the credentials come back masked.
func TestEvidenceS3Bucket(t *testing.T) {
	s3 := testservers.VersityGW(t)
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			ctx := context.Background()
			bucket := s3.NewBucket(t)
			rp := e.client(t, "service")
			path := "/bucket/tenant/" + e.creds.TenantID + "/community/" + e.creds.CommunityID
			body := map[string]any{"type": "aws", "bucketName": bucket, "isEnabled": true, "createdBy": "test",
				"aws_credential": map[string]string{"accessKey": s3.AccessKey, "secretKey": s3.SecretKey, "region": s3.Region, "endpoint": s3.Endpoint}}
			var got struct {
				Data map[string]any `json:"data"`
			}
			if err := rp.Do(ctx, "PUT", path, body, &got, client.Envelope()); err != nil {
				t.Fatal(err)
			}
			cred := got.Data["aws_credential"].(map[string]any)
			if cred["secretKey"] == s3.SecretKey || cred["region"] != s3.Region || got.Data["type"] != "aws" {
				t.Fatalf("bucket reply: %v", got.Data)
			}
			// Put back what GET shows, masked: the stored secret stays.
			if err := rp.Do(ctx, "GET", path, nil, &got); err != nil {
				t.Fatal(err)
			}
			got.Data["createdBy"] = "again"
			if err := rp.Do(ctx, "PUT", path, got.Data, &got); err != nil {
				t.Fatal(err)
			}
			browser, id := e.startedSession(t, "probe")
			if u := presign(t, browser, id, "document_front_image")["document_front_image"]; !strings.HasPrefix(u, s3.Endpoint+"/"+bucket+"/") {
				t.Fatalf("upload URL %s is not on the S3 bucket", u)
			}
			evidenceEndToEnd(t, e)
		})
	}
}
