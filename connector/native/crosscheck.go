package native

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/idproof/idproof"
)

// fields is one source's view of the holder and document.
type fields struct {
	source                      string
	lastName, firstName, number string
	birth, expiry               flexDate
}

// fromBarcode names the barcode payload as a source.
const fromBarcode = "the barcode"

// sources lists what is known, most trusted first: the MRZ this server
// read, the barcode payload (whose symbol was seen on the image), the
// client's MRZ, then the client's front-side extraction.
func (r *run) sources() []fields {
	var out []fields
	if m := r.imageMRZ; m != nil {
		out = append(out, fields{"the MRZ", m.PrimaryIdentifier, m.SecondaryIdentifier, m.DocumentNumber,
			flexDate{m.BirthDate.Year, m.BirthDate.Month, m.BirthDate.Day}, flexDate{m.ExpiryDate.Year, m.ExpiryDate.Month, m.ExpiryDate.Day}})
	}
	if b := r.barcode; b != nil {
		given := "" // a middle name alone is not a given name to compare
		if b.FirstName != "" {
			given = strings.TrimSpace(b.FirstName + " " + b.MiddleName)
		}
		out = append(out, fields{fromBarcode, b.FamilyName, given, b.DocumentNumber,
			flexDate{b.BirthDate.Year, b.BirthDate.Month, b.BirthDate.Day}, flexDate{b.ExpiryDate.Year, b.ExpiryDate.Month, b.ExpiryDate.Day}})
	}
	if m := r.clientMRZ; m != nil && r.imageMRZ == nil {
		out = append(out, fields{"the client's MRZ", m.PrimaryIdentifier, m.SecondaryIdentifier, m.DocumentNumber,
			flexDate{m.BirthDate.Year, m.BirthDate.Month, m.BirthDate.Day}, flexDate{m.ExpiryDate.Year, m.ExpiryDate.Month, m.ExpiryDate.Day}})
	}
	c := r.client
	if c.LastName != "" || c.DocumentNumber != "" || c.DateOfBirth.set() {
		out = append(out, fields{"the front", c.LastName, c.FirstName, c.DocumentNumber, c.DateOfBirth, c.DateOfExpiry})
	}
	return out
}

// norm compares names and numbers the way documents print them: letters
// and digits only, upper case (the MRZ has no spaces, accents or hyphens).
func norm(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// crossChecks compares the front-side extraction with the document's own
// data (MRZ or barcode): names, document number, dates.
func (r *run) crossChecks() {
	src := r.sources()
	if len(src) < 2 {
		return
	}
	ref, front := src[0], src[len(src)-1]
	if front.source != "the front" {
		front = src[1]
	}
	cmp := func(field, a, b string, prefix bool) {
		na, nb := norm(a), norm(b)
		if ref.source == fromBarcode && strings.TrimSpace(a) == "" && nb != "" {
			// A barcode is only used without a field when the field
			// could not be read (see barcodeChecks).
			r.fraud = append(r.fraud, check("native.cross_"+field, idproof.CheckNotPerformed, "IDV0021",
				fmt.Sprintf("%s: could not be read from the barcode", field)))
			return
		}
		if na == "" || nb == "" {
			return
		}
		// The MRZ truncates long names; a prefix of the full name agrees.
		ok := na == nb || (prefix && (strings.HasPrefix(na, nb) || strings.HasPrefix(nb, na)))
		name := "native.cross_" + field
		if ok {
			r.fraud = append(r.fraud, check(name, idproof.CheckPass, "", fmt.Sprintf("%s: %s and %s agree", field, ref.source, front.source)))
			return
		}
		r.fraud = append(r.fraud, check(name, idproof.CheckFail, "IDV0040",
			fmt.Sprintf("%s: %s says %q, %s says %q", field, ref.source, a, front.source, b)))
	}
	cmp("lastName", ref.lastName, front.lastName, true)
	cmp("firstName", firstWord(ref.firstName), firstWord(front.firstName), true)
	cmp("documentNumber", ref.number, front.number, false)
	cmp("dateOfBirth", ref.birth.String(), front.birth.String(), false)
	cmp("dateOfExpiry", ref.expiry.String(), front.expiry.String(), false)
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// dateChecks: the document is not expired and the birth date is plausible.
func (r *run) dateChecks() {
	var birth, expiry flexDate
	unread := "no %s could be read"
	for _, s := range r.sources() {
		if !birth.set() {
			birth = s.birth
		}
		if !expiry.set() {
			expiry = s.expiry
		}
		if s.source == fromBarcode {
			// A barcode without a date is one whose date could not
			// be read: the client's claim must not stand in for it.
			unread = "the %s could not be read from the barcode"
			break
		}
	}
	today := time.Date(r.now.Year(), r.now.Month(), r.now.Day(), 0, 0, 0, 0, time.UTC)
	if !expiry.set() {
		r.front = append(r.front, check("native.expiry", idproof.CheckNotPerformed, "IDV0021", fmt.Sprintf(unread, "expiry date")))
	} else if exp := time.Date(expiry.Y, time.Month(expiry.M), expiry.D, 0, 0, 0, 0, time.UTC); exp.Before(today) {
		r.front = append(r.front, check("native.expiry", idproof.CheckFail, "IDV0044", "the document expired on "+expiry.String()))
	} else {
		r.front = append(r.front, check("native.expiry", idproof.CheckPass, "", "valid until "+expiry.String()))
	}
	if !birth.set() {
		r.front = append(r.front, check("native.birth_date", idproof.CheckNotPerformed, "IDV0021", fmt.Sprintf(unread, "birth date")))
		return
	}
	b := time.Date(birth.Y, time.Month(birth.M), birth.D, 0, 0, 0, 0, time.UTC)
	age := today.Year() - b.Year()
	if today.YearDay() < b.YearDay() {
		age--
	}
	switch {
	case b.After(today):
		r.front = append(r.front, check("native.birth_date", idproof.CheckFail, "IDV0045", "the birth date "+birth.String()+" is in the future"))
	case age > r.c.opts.MaxAgeYears:
		r.front = append(r.front, check("native.birth_date", idproof.CheckFail, "IDV0045", fmt.Sprintf("the birth date %s means an age of %d", birth, age)))
	case age < r.c.opts.MinAgeYears:
		r.front = append(r.front, check("native.birth_date", idproof.CheckFail, "IDV0045", fmt.Sprintf("the holder is %d, younger than %d", age, r.c.opts.MinAgeYears)))
	default:
		r.front = append(r.front, check("native.birth_date", idproof.CheckPass, "", "born "+birth.String()))
	}
}

// combine makes a session check from its parts: any failure fails, then
// any part not performed, else a pass. No parts: not performed.
func combine(name string, parts []idproof.Check, none string) idproof.Check {
	if len(parts) == 0 {
		return check(name, idproof.CheckNotPerformed, "IDV0021", none)
	}
	var np *idproof.Check
	for i, p := range parts {
		switch p.Result {
		case idproof.CheckFail:
			return check(name, idproof.CheckFail, p.Reason, p.Message)
		case idproof.CheckPass:
		default:
			if np == nil {
				np = &parts[i]
			}
		}
	}
	if np != nil {
		return check(name, idproof.CheckNotPerformed, np.Reason, np.Message)
	}
	return check(name, idproof.CheckPass, "", fmt.Sprintf("%d checks passed", len(parts)))
}

// verdict assembles the requested session checks, each followed by the
// detail checks it was made from. A side whose session check was not asked
// for still reports what was checked on it: a failure found on an image
// that was sent is never dropped, and it fails the verdict.
func (r *run) verdict() *idproof.Verdict {
	v := &idproof.Verdict{Retryable: r.retryable, Document: r.document()}
	groups := map[string][]idproof.Check{
		"document_liveness_front": r.front, "document_liveness_back": r.back,
		"fraud_detection": r.fraud, "selfie_liveness": r.selfie, "face_compare": r.compare,
	}
	asked := map[string]bool{}
	for _, name := range r.ev.Checks {
		asked[name] = true
		parts := groups[name]
		var c idproof.Check
		switch name {
		case "document_liveness_front":
			c = combine(name, parts, "nothing on the front could be checked")
		case "document_liveness_back":
			if r.ev.DocumentType == idproof.DocPassport && len(r.back) == 0 {
				c = check(name, idproof.CheckNotPerformed, "IDV0022", "a passport has no back side to check; leave document_liveness_back out of passport configurations")
			} else {
				c = combine(name, parts, "nothing on the back could be checked")
			}
		case "fraud_detection":
			c = combine(name, parts, "there was nothing to cross-check: send the capture client's extraction result")
		case "selfie_liveness":
			// A usable selfie, the head turn seen and the passive models
			// not objecting: every part must pass.
			c = combine(name, parts, "no selfie was checked")
		case "face_compare":
			c = combine(name, parts, "no faces were compared")
			if len(parts) == 1 {
				c.Details = parts[0].Details // the distance, for the result
			}
		default:
			c = check(name, idproof.CheckNotPerformed, "IDV0022", "the built-in verifier has no check "+name)
		}
		v.Checks = append(v.Checks, c)
		v.Checks = append(v.Checks, partOf(name, parts)...)
	}
	// Sides not asked for: what was checked (passed or failed), not what
	// could not be, which nobody asked to know.
	for _, name := range []string{"document_liveness_front", "document_liveness_back", "fraud_detection", "selfie_liveness"} {
		if asked[name] {
			continue
		}
		for _, p := range partOf(name, groups[name]) {
			if p.Result != idproof.CheckNotPerformed {
				v.Checks = append(v.Checks, p)
			}
		}
	}
	return v
}

// asked reports whether the configuration asks for the session check.
func (r *run) asked(name string) bool {
	for _, c := range r.ev.Checks {
		if c == name {
			return true
		}
	}
	return false
}

// partOf marks detail checks as parts of the session check name.
func partOf(name string, parts []idproof.Check) []idproof.Check {
	out := make([]idproof.Check, len(parts))
	for i, p := range parts {
		p.Part = name
		out[i] = p
	}
	return out
}

// document is the extracted data, from the most trusted source.
func (r *run) document() idproof.DocumentData {
	d := idproof.DocumentData{DocumentType: r.ev.DocumentType}
	for _, s := range r.sources() {
		if d.LastName == "" {
			d.LastName, d.FirstName = s.lastName, s.firstName
		}
		if d.DocumentID == "" {
			d.DocumentID = s.number
		}
		if d.DOB == "" {
			d.DOB = s.birth.String()
		}
		if d.DOE == "" {
			d.DOE = s.expiry.String()
		}
	}
	d.FullName = strings.TrimSpace(d.FirstName + " " + d.LastName)
	if m := r.imageMRZ; m != nil {
		d.MRZ, d.Country, d.Gender = strings.Join(m.Lines, "\n"), m.IssuingState, m.Sex
	} else if b := r.barcode; b != nil {
		d.Country, d.State, d.Gender = b.Country, b.State, b.Sex
		d.Address = strings.TrimSpace(strings.Join([]string{b.Street, b.City, b.State, b.PostalCode}, " "))
	}
	return d
}
