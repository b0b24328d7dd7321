package idproof

import "time"

// Bucket is where a community's images are uploaded. Credentials are sealed
// with the master key and never returned in clear.
type Bucket struct {
	ID                string
	TenantID          string
	CommunityID       string
	Type              string // aws, gcp, azure or local
	BucketName        string
	IsEnabled         bool
	CreatedBy         string
	CredentialsSealed []byte // JSON of the *_credential objects, sealed
	CreatedAt         time.Time
	UpdatedAt         time.Time
}
