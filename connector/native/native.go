// Package native is the built-in, vendor-free verifier.
//
// This version checks nothing yet: every requested check is reported
// NOT_PERFORMED with a reason, so a session that relies on it ends
// COMPLETED_NOT_PERFORMED and never passes by default.
package native

import (
	"context"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/connector"
)

// TypeID is the connector type id.
const TypeID = "native"

// Version is reported in every check.
const Version = "0"

// Type registers the built-in verifier.
func Type() connector.Type {
	return connector.Type{
		ID:  TypeID,
		New: func(connector.Config) (idproof.Connector, error) { return Connector{}, nil },
		Infos: []connector.Info{
			{VerifierType: TypeID, DocType: idproof.DocDriversLicense},
			{VerifierType: TypeID, DocType: idproof.DocIDCard},
			{VerifierType: TypeID, DocType: idproof.DocPassport},
		},
	}
}

// Connector is the built-in verifier.
type Connector struct{}

// Type returns TypeID.
func (Connector) Type() string { return TypeID }

// Verify reports every check NOT_PERFORMED: IDV0016 when no image was
// uploaded, IDV0022 (check not available) otherwise.
func (Connector) Verify(_ context.Context, ev idproof.Evidence) (*idproof.Verdict, error) {
	reason, msg := "IDV0022", "the built-in verifier cannot perform this check yet"
	if len(ev.Images) == 0 {
		reason, msg = "IDV0016", "no image was uploaded"
	}
	v := &idproof.Verdict{}
	for _, name := range ev.Checks {
		v.Checks = append(v.Checks, idproof.Check{Name: name, Result: idproof.CheckNotPerformed, Reason: reason, Message: msg, Connector: TypeID, Version: Version})
	}
	return v, nil
}
