package native

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// clientSide is what a capture client extracted from one side of the
// document (the in-browser SDK's result). Every field is a claim.
type clientSide struct {
	FirstName      string          `json:"firstName"`
	LastName       string          `json:"lastName"`
	FullName       string          `json:"fullName"`
	DocumentNumber string          `json:"documentNumber"`
	DateOfBirth    flexDate        `json:"dateOfBirth"`
	DateOfExpiry   flexDate        `json:"dateOfExpiry"`
	DateOfIssue    flexDate        `json:"dateOfIssue"`
	Sex            string          `json:"sex"`
	MRZ            *clientMRZ      `json:"mrz"`
	Barcode        json.RawMessage `json:"barcode"`
}

type clientMRZ struct {
	RawMRZString string `json:"rawMRZString"`
}

// flexDate reads the SDK's date object {day, month, year, ...} or the plain
// strings older SDKs send (YYYY-MM-DD, DD.MM.YYYY, MM/DD/YYYY).
type flexDate struct{ Y, M, D int }

func (f *flexDate) UnmarshalJSON(b []byte) error {
	var obj struct {
		Day, Month, Year   int
		OriginalString     string `json:"originalString"`
		SuccessfullyParsed *bool  `json:"successfullyParsed"`
	}
	if len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &obj); err != nil {
			return err
		}
		if obj.SuccessfullyParsed != nil && !*obj.SuccessfullyParsed {
			return nil
		}
		*f = flexDate{obj.Year, obj.Month, obj.Day}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return nil // not a date we understand: treat as absent
	}
	for _, layout := range []string{"2006-01-02", "02.01.2006", "01/02/2006", "20060102"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			*f = flexDate{t.Year(), int(t.Month()), t.Day()}
			return nil
		}
	}
	return nil
}

func (f flexDate) set() bool { return f.Y > 0 && f.M > 0 && f.D > 0 }

func (f flexDate) String() string {
	if !f.set() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", f.Y, f.M, f.D)
}

// barcodePayload finds the raw barcode payload in the forms SDKs use: a
// string, {stringData}, {rawData (base64)}, or {barcodeData: {...}}.
func barcodePayload(raw json.RawMessage) []byte {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []byte(s)
	}
	var o struct {
		StringData    string          `json:"stringData"`
		RawData       string          `json:"rawData"`
		RawDataBase64 string          `json:"rawDataBase64"`
		BarcodeData   json.RawMessage `json:"barcodeData"`
	}
	if json.Unmarshal(raw, &o) != nil {
		return nil
	}
	for _, b64 := range []string{o.RawDataBase64, o.RawData} {
		if b64 != "" {
			if b, err := base64.StdEncoding.DecodeString(b64); err == nil {
				return b
			}
		}
	}
	if o.StringData != "" {
		return []byte(o.StringData)
	}
	return barcodePayload(o.BarcodeData)
}

// clientData parses the engine's extracted document {document_front: ...,
// document_back: ...}.
func clientData(raw json.RawMessage) (front, back clientSide) {
	var sides map[string]json.RawMessage
	_ = json.Unmarshal(raw, &sides)
	_ = json.Unmarshal(sides["document_front"], &front)
	_ = json.Unmarshal(sides["document_back"], &back)
	return front, back
}
