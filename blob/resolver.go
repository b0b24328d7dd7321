package blob

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/secret"
)

// Resolver finds the bucket of a community and keeps opened stores, so a
// session's requests do not rebuild SDK clients each time. A changed
// configuration (a new UpdatedAt) is reopened.
type Resolver struct {
	Buckets idproof.BucketStore
	Keyring *secret.Keyring
	Opener  *Opener

	mu    sync.Mutex
	cache map[string]cached // by bucket id
}

type cached struct {
	updated time.Time
	store   idproof.BlobStore
}

// Resolve returns the community's enabled bucket, or the local bucket when
// it has none or it is disabled.
func (r *Resolver) Resolve(ctx context.Context, tenantID, communityID string) (idproof.BlobStore, error) {
	b, err := r.Buckets.BucketByCommunity(ctx, tenantID, communityID)
	if idproof.IsNotFound(err) {
		return r.Opener.Local, nil
	}
	if err != nil {
		return nil, err
	}
	if !b.IsEnabled || b.Type == TypeLocal {
		return r.Opener.Local, nil
	}
	r.mu.Lock()
	c, ok := r.cache[b.ID]
	r.mu.Unlock()
	if ok && c.updated.Equal(b.UpdatedAt) {
		return c.store, nil
	}
	creds, err := r.Credentials(b)
	if err != nil {
		return nil, err
	}
	st, err := r.Opener.Open(ctx, b.Type, b.BucketName, creds)
	if err != nil {
		return nil, fmt.Errorf("bucket of community %s: %w", communityID, err)
	}
	r.mu.Lock()
	if r.cache == nil {
		r.cache = map[string]cached{}
	}
	r.cache[b.ID] = cached{updated: b.UpdatedAt, store: st}
	r.mu.Unlock()
	return st, nil
}

// Credentials opens the sealed credentials of a bucket.
func (r *Resolver) Credentials(b *idproof.Bucket) (Credentials, error) {
	var c Credentials
	plain, err := r.Keyring.Open(b.CredentialsSealed)
	if err != nil {
		return c, fmt.Errorf("bucket %s credentials: %w", b.ID, err)
	}
	if len(plain) > 0 {
		if err := json.Unmarshal(plain, &c); err != nil {
			return c, fmt.Errorf("bucket %s credentials: %w", b.ID, err)
		}
	}
	return c, nil
}
