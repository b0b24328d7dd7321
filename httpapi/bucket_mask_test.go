package httpapi_test

import (
	"context"
	"testing"
)

// TestBucketMaskedKeyStaysWithItsBucket: credentials sent back masked are
// kept only while the bucket, its endpoint and its account stay the same;
// otherwise the secret must come again, or a caller never shown it could
// point the bucket, and the document images, at a host of their own.
func TestBucketMaskedKeyStaysWithItsBucket(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	rp := e.client(t, "service")
	path := "/bucket/tenant/" + e.creds.TenantID + "/community/" + e.creds.CommunityID
	const key = "c2VjcmV0LWtleS0xMjM0NTY3ODkw"
	put := map[string]any{"type": "azure", "bucketName": "proofs", "isEnabled": true, "createdBy": "ops",
		"azure_credential": map[string]string{"accountName": "acct", "accountKey": key, "endpoint": "http://127.0.0.1:1/acct"}}
	if err := rp.Do(ctx, "PUT", path, put, nil); err != nil {
		t.Fatal(err)
	}
	// What a GET shows, sent back with one change.
	readBack := func(edit func(m map[string]any, cred map[string]any)) map[string]any {
		var got struct {
			Data map[string]any `json:"data"`
		}
		if err := rp.Do(ctx, "GET", path, nil, &got); err != nil {
			t.Fatal(err)
		}
		cred := got.Data["azure_credential"].(map[string]any)
		if cred["accountKey"] != "****ODkw" {
			t.Fatalf("GET shows %v", cred)
		}
		edit(got.Data, cred)
		return got.Data
	}
	for _, c := range []struct {
		name, field string
		edit        func(m, cred map[string]any)
	}{
		{"endpoint", "credentials.azure_credential.endpoint", func(_, cred map[string]any) { cred["endpoint"] = "http://127.0.0.2:1/acct" }},
		{"endpoint added", "credentials.azure_credential.endpoint", nil},
		{"account", "credentials.azure_credential.accountName", func(_, cred map[string]any) { cred["accountName"] = "other" }},
		{"bucket", "bucketName", func(m, _ map[string]any) { m["bucketName"] = "elsewhere" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.edit == nil { // first drop the endpoint, with the key in clear
				m := readBack(func(_, cred map[string]any) { delete(cred, "endpoint"); cred["accountKey"] = key })
				if err := rp.Do(ctx, "PUT", path, m, nil); err != nil {
					t.Fatal(err)
				}
				c.edit = func(_, cred map[string]any) { cred["endpoint"] = "http://127.0.0.2:1/acct" }
			}
			err := rp.Do(ctx, "PUT", path, readBack(c.edit), nil)
			wantAPIError(t, err, 400, "credentials.azure_credential.accountKey is a masked value, but "+c.field+" changed")
			// With the key again the change is taken.
			m := readBack(func(m, cred map[string]any) { c.edit(m, cred); cred["accountKey"] = key })
			if err := rp.Do(ctx, "PUT", path, m, nil); err != nil {
				t.Fatal(err)
			}
		})
	}
	// Unchanged destinations: the masked key stays.
	m := readBack(func(m, _ map[string]any) { m["isEnabled"] = false })
	if err := rp.Do(ctx, "PUT", path, m, nil); err != nil {
		t.Fatal(err)
	}
	b, err := e.store.BucketByCommunity(ctx, e.creds.TenantID, e.creds.CommunityID)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := e.buckets.Credentials(b)
	if err != nil || creds.Azure.AccountKey != key {
		t.Fatalf("stored key %v %v", creds.Azure, err)
	}
}
