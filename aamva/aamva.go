// Package aamva parses the PDF417 payload on the back of North American
// driver licenses and ID cards, as laid out by the AAMVA DL/ID Card Design
// Standard (versions 01 through 10 and later).
//
// The payload is untrusted input read off a card that may be damaged, forged
// or issued by a jurisdiction that bends the standard, so the parser never
// trusts lengths, offsets or separators it reads: it locates subfiles by
// their type, splits elements at any line break or separator it has seen,
// keeps every element it finds, and reports what is missing or malformed
// instead of failing outright. Only a payload that is not an AAMVA payload
// at all makes Parse return an error.
//
// Tolerance never turns into guessing. A field whose element is absent is
// left empty, and so is one whose element was damaged on its way from the
// card (a lost separator that runs two elements together, characters a
// scanner could not decode), which Result.Unread then lists. Neither is
// ever filled from a neighbouring element.
package aamva

import (
	"errors"
	"fmt"

	"github.com/idproof/idproof"
)

// ErrNotAAMVA is wrapped by the error Parse returns when the data does not
// start with a readable AAMVA header.
var ErrNotAAMVA = errors.New("aamva: not an AAMVA DL/ID payload")

// Element is one data element of a subfile: a three-character element ID
// such as "DAQ" and its value with trailing padding removed.
type Element struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// Subfile is one subfile of the payload as it was found, before any
// interpretation. Values such as "NONE" are kept verbatim here; only the
// typed fields of Result treat them as absent.
type Subfile struct {
	// Type is the two-character subfile type: "DL", "ID", or a
	// jurisdiction-specific type such as "ZV".
	Type string `json:"type"`
	// Elements maps element IDs to values. When an ID repeats, the first
	// occurrence wins; Ordered still has every occurrence. It is left out
	// of JSON, where Ordered says the same.
	Elements map[string]string `json:"-"`
	// Ordered lists the elements in payload order.
	Ordered []Element `json:"elements"`
}

// Date is a calendar date without a time zone, as printed on a card.
type Date = idproof.Date

// Result is a parsed payload: the header, every subfile found, and typed
// fields taken from the DL or ID subfile.
//
// A typed field is never guessed: when the element that holds it is
// absent, or present but unreadable (see Unread), the field is left empty.
type Result struct {
	// Version is the AAMVA version number from the header (1 = DL/ID-2000,
	// 10 = the 2020 standard). Later versions are kept as read.
	Version int `json:"version"`
	// JurisdictionVersion is the jurisdiction's own version number; 0 for
	// version 1 payloads, whose header has no such field.
	JurisdictionVersion int `json:"jurisdictionVersion"`
	// IIN is the six-digit issuer identification number.
	IIN string `json:"iin"`
	// Issuer is the jurisdiction code ("VA", "ON") that owns the IIN, or ""
	// when the IIN is not in the built-in table.
	Issuer string `json:"issuer"`

	// Subfiles holds every subfile found, in payload order.
	Subfiles []Subfile `json:"subfiles"`

	// DocumentType is the type of the subfile the fields below come from:
	// "DL", "ID", or "" when the payload has neither.
	DocumentType string `json:"documentType"`

	DocumentNumber string `json:"documentNumber"` // DAQ
	FamilyName     string `json:"familyName"`     // DCS, or the first part of the version 1 DAA
	FirstName      string `json:"firstName"`      // DAC, or from DCT/DAA on older versions
	MiddleName     string `json:"middleName"`     // DAD, or from DCT/DAA on older versions
	Suffix         string `json:"suffix"`         // DCU (DAE on version 1)

	BirthDate  Date `json:"birthDate"`  // DBB
	ExpiryDate Date `json:"expiryDate"` // DBA
	IssueDate  Date `json:"issueDate"`  // DBD

	// Sex is "M", "F", "X" (not specified), or "" when absent or unknown.
	Sex string `json:"sex"`

	EyeColor   string `json:"eyeColor"`   // DAY, ANSI D-20 code such as "BRO"
	Height     string `json:"height"`     // DAU as printed, e.g. "068 in" or "175 cm"
	Street     string `json:"street"`     // DAG
	City       string `json:"city"`       // DAI
	State      string `json:"state"`      // DAJ
	PostalCode string `json:"postalCode"` // DAK, trailing padding removed
	Country    string `json:"country"`    // DCG, "USA" or "CAN"

	DocumentDiscriminator string `json:"documentDiscriminator"` // DCF

	// The truncation indicators DDE, DDF and DDG: true when the issuer
	// shortened the name to fit the card ("T").
	FamilyNameTruncated bool `json:"familyNameTruncated"`
	FirstNameTruncated  bool `json:"firstNameTruncated"`
	MiddleNameTruncated bool `json:"middleNameTruncated"`

	errs []string
	// unreadErrs counts the errors that are about a required field that
	// could not be read, as opposed to one that is missing or malformed.
	unreadErrs int
	unread     []string
	// garbled is set when a DL or ID subfile holds a piece that is not an
	// element: a damaged element ID.
	garbled  bool
	warnings []string
}

// Errors lists why the payload is not valid: a missing DL/ID subfile, or a
// required element that is absent, malformed or unreadable. Each message
// names the element, e.g. "DBB birth date 13251986 is not a date".
func (r *Result) Errors() []string { return append([]string(nil), r.errs...) }

// Warnings lists departures from the standard that the parser worked
// around, such as header offsets that do not match where a subfile really
// is. Real cards produce many of these, so they do not affect Valid.
func (r *Result) Warnings() []string { return append([]string(nil), r.warnings...) }

// Unread lists the IDs of the elements the payload holds but that could not
// be read with confidence, so that the typed fields they feed were left
// empty: a value that runs into the next element because the separator
// between them was lost, characters a scanner or decoder could not render,
// or a version 1 name whose word order cannot be told. Warnings say why.
func (r *Result) Unread() []string { return append([]string(nil), r.unread...) }

// Valid reports whether the payload has a DL or ID subfile with a document
// number, names, a birth date and an expiry date, all well-formed.
func (r *Result) Valid() bool { return len(r.errs) == 0 }

// Incomplete reports whether the payload is invalid only because required
// fields could not be read (see Unread). Nothing that was read is wrong
// with such a payload; it was damaged on its way from the card, and a
// rescan may read it whole. A payload that lacks a required element, or
// holds a malformed one, is invalid but not Incomplete.
func (r *Result) Incomplete() bool { return len(r.errs) > 0 && r.unreadErrs == len(r.errs) }

// Subfile returns the first subfile of the given type, or nil.
func (r *Result) Subfile(typ string) *Subfile {
	for i := range r.Subfiles {
		if r.Subfiles[i].Type == typ {
			return &r.Subfiles[i]
		}
	}
	return nil
}

func (r *Result) errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// unreadErrorf records that a required field could not be read.
func (r *Result) unreadErrorf(format string, args ...any) {
	r.errorf(format, args...)
	r.unreadErrs++
}

// maxWarnings bounds the warnings of one payload: a hostile payload could
// otherwise produce one per byte.
const maxWarnings = 50

func (r *Result) warnf(format string, args ...any) {
	if len(r.warnings) < maxWarnings {
		r.warnings = append(r.warnings, fmt.Sprintf(format, args...))
	}
}

// markUnread records that element id could not be read.
func (r *Result) markUnread(id string) {
	if !r.isUnread(id) {
		r.unread = append(r.unread, id)
	}
}

func (r *Result) isUnread(ids ...string) bool {
	for _, u := range r.unread {
		for _, id := range ids {
			if u == id {
				return true
			}
		}
	}
	return false
}

// Parse parses an AAMVA DL/ID payload as decoded from the PDF417 barcode.
// It returns an error wrapping ErrNotAAMVA only when the header cannot be
// read; every other problem is reported through Result.Errors and
// Result.Warnings so that callers can still show what was found.
func Parse(data []byte) (*Result, error) {
	h, err := parseHeader(data)
	if err != nil {
		return nil, err
	}
	r := &Result{
		Version:             h.version,
		JurisdictionVersion: h.jurVersion,
		IIN:                 h.iin,
	}
	if j, ok := LookupIIN(h.iin); ok {
		r.Issuer = j.Code
	}
	r.warnings = append(r.warnings, h.warnings...)
	r.Subfiles = locateSubfiles(h, r)
	r.interpret(h)
	return r, nil
}
