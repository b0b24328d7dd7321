// Package native is the built-in, vendor-free verifier. Everything runs in
// this process. It checks:
//
//   - image quality (resolution, sharpness, glare) of every side;
//   - exactly one face on the document front and on the selfie;
//   - the MRZ, read from the image by this server and validated (check
//     digits, composite, dates) for passports and ID cards;
//   - the PDF417 symbol on the back of driver's licenses, decoded by this
//     server (package pdf417), its AAMVA payload validated and compared
//     with the payload the capture client read;
//   - cross-checks between the capture client's front-side extraction,
//     the MRZ and the barcode (names, document number, dates), expiry and
//     birth-date plausibility.
//
// What the capture client extracted is only ever compared against other
// evidence; it never passes a check on its own. An MRZ the server cannot
// read from the image leaves the MRZ check NOT_PERFORMED even when the
// client sent one.
//
// Faces are compared and liveness is judged with the trained models of
// package face, embedded in the binary:
//
//   - face_compare: the selfie's face against the portrait found on the
//     located document, by descriptor distance (faceMatchThreshold);
//   - selfie_liveness: the head turn the server asked for, measured in the
//     burst of frames filmed while the person made it (the nose moves
//     relative to the eyes, in the direction asked, in frames that are not
//     one still repeated and show the selfie's person throughout), with the
//     passive models' scores as a weak second opinion that can hold a pass
//     back but never make one.
//
// Neither passes without the evidence for it: no selfie, no face, no
// frames leave them NOT_PERFORMED with a reason.
package native

import (
	"context"
	"encoding/json"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/connector"
	"github.com/idproof/idproof/docimage"
	"github.com/idproof/idproof/face"
)

// TypeID is the connector type id.
const TypeID = "native"

// Version is reported in every check.
const Version = "1"

// Options are the verification.config fields the built-in verifier reads.
type Options struct {
	MinAgeYears int `json:"minAgeYears"` // refuse holders younger than this (0: no minimum)
	MaxAgeYears int `json:"maxAgeYears"` // birth dates implying an older holder are implausible (default 120)
	// AcceptSpecimens lets documents of ICAO's specimen state (UTO) pass,
	// for trying the verifier out; no real document carries that code.
	AcceptSpecimens bool `json:"acceptSpecimens"`
	// FaceMatchThreshold is the descriptor distance below which the
	// selfie's face matches the document portrait (default
	// face.Threshold, 0.5; docs/faces.md has the measurements). It also
	// bounds how far the faces in the liveness frames may be from the
	// selfie's.
	FaceMatchThreshold float64 `json:"faceMatchThreshold"`
}

// Type registers the built-in verifier.
func Type() connector.Type {
	return connector.Type{
		ID:  TypeID,
		New: newConnector,
		Infos: []connector.Info{
			{VerifierType: TypeID, DocType: idproof.DocDriversLicense},
			{VerifierType: TypeID, DocType: idproof.DocIDCard},
			{VerifierType: TypeID, DocType: idproof.DocPassport},
		},
	}
}

func newConnector(cfg connector.Config) (idproof.Connector, error) {
	o := Options{MaxAgeYears: 120, FaceMatchThreshold: face.Threshold}
	if len(cfg.Verification) > 0 {
		if err := json.Unmarshal(cfg.Verification, &o); err != nil {
			return nil, idproof.Errorf(idproof.EINVALID, "verification.config: %v", err)
		}
	}
	if o.MaxAgeYears == 0 {
		o.MaxAgeYears = 120
	}
	if o.MinAgeYears < 0 || o.MinAgeYears > 100 || o.MaxAgeYears < 1 || o.MaxAgeYears > 150 || o.MinAgeYears >= o.MaxAgeYears {
		return nil, idproof.Errorf(idproof.EINVALID, "verification.config.minAgeYears must be 0–100 and below maxAgeYears (1–150)")
	}
	if o.FaceMatchThreshold < 0.2 || o.FaceMatchThreshold > 1 {
		return nil, idproof.Errorf(idproof.EINVALID, "verification.config.faceMatchThreshold must be 0.2–1 (default %.1f)", face.Threshold)
	}
	return &Connector{opts: o, now: time.Now, thresholds: docimage.DefaultThresholds}, nil
}

// Connector is the built-in verifier.
type Connector struct {
	opts       Options
	now        func() time.Time
	thresholds docimage.Thresholds
}

// Type returns TypeID.
func (*Connector) Type() string { return TypeID }

// Verify checks the evidence; see the package comment.
func (c *Connector) Verify(ctx context.Context, ev idproof.Evidence) (*idproof.Verdict, error) {
	if len(ev.Images) == 0 {
		v := &idproof.Verdict{}
		for _, name := range ev.Checks {
			v.Checks = append(v.Checks, check(name, idproof.CheckNotPerformed, "IDV0016", "no image was uploaded"))
		}
		return v, nil
	}
	r := &run{c: c, ev: ev, now: c.now().UTC()}
	r.checkSides(ctx)
	return r.verdict(), nil
}

func check(name string, res idproof.CheckResult, reason, msg string) idproof.Check {
	return idproof.Check{Name: name, Result: res, Reason: reason, Message: msg, Connector: TypeID, Version: Version}
}
