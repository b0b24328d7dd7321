package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/blob"
	"github.com/idproof/idproof/internal/lenient"
)

type bucketRequest struct {
	Type       string       `json:"type"`
	BucketName string       `json:"bucketName"`
	IsEnabled  lenient.Bool `json:"isEnabled"`
	CreatedBy  string       `json:"createdBy"`
	blob.Credentials
}

// bucketScope reads the path's tenant and community and checks that the
// caller's license reaches them.
func (s *Server) bucketScope(r *http.Request) (tenantID, communityID string, err error) {
	tenantID, communityID = r.PathValue("tenantId"), r.PathValue("communityId")
	if !idproof.IsObjectID(tenantID) || !idproof.IsObjectID(communityID) || !callerFrom(r.Context()).License.CanAccess(tenantID, communityID) {
		return "", "", errorf(idproof.ENOTFOUND, "community not found")
	}
	c, err := s.store.Community(r.Context(), communityID)
	if idproof.IsNotFound(err) || (err == nil && c.TenantID != tenantID) {
		return "", "", errorf(idproof.ENOTFOUND, "community not found")
	}
	return tenantID, communityID, err
}

func (s *Server) getBucket(w http.ResponseWriter, r *http.Request) error {
	tenantID, communityID, err := s.bucketScope(r)
	if err != nil {
		return err
	}
	b, err := s.store.BucketByCommunity(r.Context(), tenantID, communityID)
	if idproof.IsNotFound(err) {
		return errorf(idproof.ENOTFOUND, "no bucket is configured for this community; images go to the embedded local bucket")
	}
	if err != nil {
		return err
	}
	return s.bucketReply(w, r, b)
}

// bucketReply answers with the bucket, its credentials masked.
func (s *Server) bucketReply(w http.ResponseWriter, r *http.Request, b *idproof.Bucket) error {
	creds, err := s.buckets.Credentials(b)
	if err != nil {
		return err
	}
	plain, _ := json.Marshal(creds)
	out := map[string]any{}
	if err := json.Unmarshal(plain, &out); err != nil {
		return err
	}
	for k, v := range out {
		raw, _ := json.Marshal(v)
		out[k] = json.RawMessage(admin.MaskSecrets(raw))
	}
	out["_id"], out["tenantId"], out["communityId"] = b.ID, b.TenantID, b.CommunityID
	out["type"], out["bucketName"], out["isEnabled"], out["createdBy"] = b.Type, b.BucketName, b.IsEnabled, b.CreatedBy
	out["createdTS"], out["updatedTS"] = b.CreatedAt.UnixMilli(), b.UpdatedAt.UnixMilli()
	return s.reply(w, r, http.StatusOK, map[string]any{"data": out})
}

// putBucket creates or replaces the community's bucket. Credentials sent
// back masked, as a GET shows them, keep their stored value.
func (s *Server) putBucket(w http.ResponseWriter, r *http.Request) error {
	tenantID, communityID, err := s.bucketScope(r)
	if err != nil {
		return err
	}
	var req bucketRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if err := checkTexts("type", req.Type, "bucketName", req.BucketName, "createdBy", req.CreatedBy); err != nil {
		return err
	}
	if lenient.IsChoiceList(req.Type) {
		return errorf(idproof.EINVALID, "type %.40q lists the choices; send one of aws, gcp, azure, local", req.Type)
	}
	if !req.IsEnabled.Set {
		return errorf(idproof.EINVALID, "isEnabled is required (true or false)")
	}
	if req.CreatedBy == "" || len(req.CreatedBy) > 200 {
		return errorf(idproof.EINVALID, "createdBy is required (at most 200 characters)")
	}
	// Only the credential object of the bucket's type is kept.
	creds := blob.Credentials{}
	switch req.Type {
	case blob.TypeAWS:
		creds.AWS = req.AWS
	case blob.TypeGCP:
		creds.GCP = req.GCP
	case blob.TypeAzure:
		creds.Azure = req.Azure
	}
	plain, _ := json.Marshal(creds)
	old, err := s.store.BucketByCommunity(r.Context(), tenantID, communityID)
	var stored json.RawMessage
	var bucketName admin.Destination
	switch {
	case err == nil && old.Type == req.Type:
		if stored, err = s.keyringOpen(old.CredentialsSealed); err != nil {
			return err
		}
		// Masked credentials are kept only for the bucket they were given
		// for; the endpoint, region and account inside them are checked
		// the same way.
		bucketName = admin.Destination{Field: "bucketName", Old: old.BucketName, New: req.BucketName}
	case err != nil && !idproof.IsNotFound(err):
		return err
	}
	if plain, err = admin.RestoreMasked(plain, stored, "credentials", bucketName); err != nil {
		return err
	}
	if err := json.Unmarshal(plain, &creds); err != nil {
		return err
	}
	// Building the store checks the configuration fully, without network.
	if _, err := s.buckets.Opener.Open(r.Context(), req.Type, req.BucketName, creds); err != nil {
		return err
	}
	now := s.clock.Now().UTC().Truncate(1e6)
	b := &idproof.Bucket{ID: idproof.NewObjectID(), TenantID: tenantID, CommunityID: communityID, Type: req.Type,
		BucketName: req.BucketName, IsEnabled: req.IsEnabled.Value, CreatedBy: req.CreatedBy,
		CredentialsSealed: s.admin.Keyring.Seal(plain), CreatedAt: now, UpdatedAt: now}
	if err := s.store.PutBucket(r.Context(), b); err != nil {
		return err
	}
	return s.bucketReply(w, r, b)
}

func (s *Server) keyringOpen(sealed []byte) (json.RawMessage, error) {
	return s.admin.Keyring.Open(sealed)
}
