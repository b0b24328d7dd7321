package idproof

import (
	"encoding/json"
	"time"
)

// VerificationConfig is a stored, reusable verification configuration (the
// dvcID of the API): which connector checks the evidence and how. The
// connector object holds vendor credentials, so it is stored sealed.
type VerificationConfig struct {
	ID              string // the dvcID
	TenantID        string
	CommunityID     string
	Name            string          // unique within the community
	ConnectorSealed []byte          // JSON of the connector object, sealed
	Verification    json.RawMessage // JSON of the verification object
	CreatedAt       time.Time
	UpdatedAt       time.Time
}
