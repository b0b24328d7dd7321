package idproof

import (
	"encoding/json"
	"time"
)

// Template is a proofing workflow: the ordered steps of the hosted capture
// flow for one document type, optionally bound to a verification config.
type Template struct {
	ID           string
	TenantID     string
	CommunityID  string
	DVCID        string
	DocumentType string
	Workflow     json.RawMessage // JSON array of steps
	CreatedAt    time.Time
	UpdatedAt    time.Time
}
