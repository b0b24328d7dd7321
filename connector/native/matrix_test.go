package native

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/docimage"
	"github.com/idproof/idproof/mrz"
	"github.com/idproof/idproof/mrzread/mrztest"
	"github.com/idproof/idproof/proofing"
)

// matrixZone is a genuine zone and where its check digits are.
type matrixZone struct {
	name   string
	lines  []string
	digits [][2]int // line, column of each check digit
}

func cdigit(s string) string {
	d, err := mrz.CheckDigit(s)
	if err != nil {
		panic(err)
	}
	return fmt.Sprint(d)
}

// matrixZones builds a passport (TD3) and an ID card (TD1) zone with valid
// check digits, for ERIKSSON ANNA MARIA born 1974-08-12, valid to 2034.
func matrixZones() []matrixZone {
	pad := func(s string, n int) string { return (s + strings.Repeat("<", n))[:n] }
	num, dob, doe, personal := "L898902C3", "740812", "340415", pad("ZE184226B", 14)
	l2 := num + cdigit(num) + "NLD" + dob + cdigit(dob) + "F" + doe + cdigit(doe) + personal + cdigit(personal)
	l2 += cdigit(l2[0:10] + l2[13:20] + l2[21:43])
	td3 := matrixZone{"TD3", []string{pad("P<NLDERIKSSON<<ANNA<MARIA", 44), l2},
		[][2]int{{1, 9}, {1, 19}, {1, 27}, {1, 42}, {1, 43}}}

	t1 := pad("I<NLD"+num+cdigit(num), 30)
	t2 := dob + cdigit(dob) + "F" + doe + cdigit(doe) + "NLD" + pad("", 11)
	t2 += cdigit(t1[5:30] + t2[0:7] + t2[8:15] + t2[18:29])
	td1 := matrixZone{"TD1", []string{t1, t2, pad("ERIKSSON<<ANNA<MARIA", 30)},
		[][2]int{{0, 14}, {1, 6}, {1, 14}, {1, 29}}}
	return []matrixZone{td3, td1}
}

// alter returns the zone with the check digit at (line, col) changed.
func alter(lines []string, at [2]int) []string {
	out := append([]string(nil), lines...)
	l := []byte(out[at[0]])
	l[at[1]] = '0' + (l[at[1]]-'0'+1)%10
	out[at[0]] = string(l)
	return out
}

// outcome is what the engine makes of a verdict for the requested checks:
// a requested check the connector did not report is NOT_PERFORMED.
func outcome(v *idproof.Verdict, requested []string) idproof.Outcome {
	checks := append([]idproof.Check(nil), v.Checks...)
	for _, name := range requested {
		found := false
		for _, c := range v.Checks {
			found = found || (c.Name == name && c.Part == "")
		}
		if !found {
			checks = append(checks, idproof.Check{Name: name, Result: idproof.CheckNotPerformed})
		}
	}
	o, _, _ := proofing.DeriveOutcome(checks, v.Review, false)
	return o
}

// matrixCheckSets are the configurations a relying party may use, POST
// /verify's among them (front and fraud when no back is sent).
var matrixCheckSets = [][]string{
	proofing.KnownChecks,
	{"document_liveness_front", "document_liveness_back", "fraud_detection"},
	{"document_liveness_front", "fraud_detection"},
	{"document_liveness_front"},
	{"document_liveness_back"},
	{"fraud_detection"},
	{"selfie_liveness"},
}

// TestAlteredCheckDigitNeverPasses: a document whose MRZ has one wrong
// check digit never passes, whatever the document type it is sent as,
// whichever sides carry it and whichever checks are asked for; the same
// document with the digit intact does pass, so the matrix can tell.
func TestAlteredCheckDigitNeverPasses(t *testing.T) {
	mrztest.Require(t)
	portraitJPEG, err := mrztest.PortraitJPEG()
	if err != nil {
		t.Fatalf("portrait: %v", err)
	}
	portrait, _, err := image.Decode(bytes.NewReader(portraitJPEG))
	if err != nil {
		t.Fatal(err)
	}
	draw := func(lines []string) []byte {
		// Large enough for the quality gate: a TD1 card is small at the
		// passport's character height.
		opts := mrztest.Options{Width: 1300}
		if len(lines) == 2 {
			opts = mrztest.Options{CharHeight: 24}
		}
		img, err := mrztest.Card(lines, portrait, opts)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	plain := draw(nil) // a card side without a zone
	now := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	// The capture client claims what the card prints: the worst case, as
	// the cross-checks then agree.
	claims, _ := json.Marshal(map[string]any{"document_front": map[string]any{
		"firstName": "ANNA MARIA", "lastName": "ERIKSSON", "documentNumber": "L898902C3",
		"dateOfBirth": "1974-08-12", "dateOfExpiry": "2034-04-15"}})
	c := &Connector{opts: Options{MaxAgeYears: 120}, now: func() time.Time { return now }, thresholds: docimage.DefaultThresholds}

	verify := func(docType string, front, back []byte) *run {
		images := map[string][]byte{}
		if front != nil {
			images["document_front_image"] = front
		}
		if back != nil {
			images["document_back_image"] = back
		}
		r := &run{c: c, now: now, ev: idproof.Evidence{DocumentType: docType, Images: images, Extracted: claims}}
		r.checkSides(context.Background())
		return r
	}
	type sides struct {
		name        string
		front, back func(zone []byte) []byte
	}
	sideSets := []sides{
		{"zone on the front only", func(z []byte) []byte { return z }, func([]byte) []byte { return nil }},
		{"zone on the back only", func([]byte) []byte { return nil }, func(z []byte) []byte { return z }},
		{"zone on the front, plain back", func(z []byte) []byte { return z }, func([]byte) []byte { return plain }},
		{"plain front, zone on the back", func([]byte) []byte { return plain }, func(z []byte) []byte { return z }},
	}
	docTypes := []string{idproof.DocPassport, idproof.DocIDCard, idproof.DocDriversLicense}

	for _, zone := range matrixZones() {
		t.Run(zone.name, func(t *testing.T) {
			// The control: the genuine zone passes where it should, so a
			// matrix of non-passes means something.
			genuine := draw(zone.lines)
			want := idproof.DocPassport
			if zone.name == "TD1" {
				want = idproof.DocIDCard
			}
			r := verify(want, genuine, nil)
			r.ev.Checks = []string{"document_liveness_front", "fraud_detection"}
			if v := r.verdict(); outcome(v, r.ev.Checks) != idproof.OutcomePass {
				js, _ := json.MarshalIndent(v.Checks, "", " ")
				t.Fatalf("the genuine %s zone does not pass:\n%s", zone.name, js)
			}
			for _, at := range zone.digits {
				altered := draw(alter(zone.lines, at))
				for _, docType := range docTypes {
					for _, sd := range sideSets {
						r := verify(docType, sd.front(altered), sd.back(altered))
						for _, set := range matrixCheckSets {
							r.ev.Checks = set
							v := r.verdict()
							if o := outcome(v, set); o == idproof.OutcomePass {
								js, _ := json.MarshalIndent(v.Checks, "", " ")
								t.Errorf("%s, check digit at line %d col %d, %s, %s, checks %v: PASS\n%s",
									zone.name, at[0]+1, at[1]+1, docType, sd.name, set, js)
							}
						}
					}
				}
			}
		})
	}
}
