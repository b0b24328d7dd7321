package native

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/aamva"
	"github.com/idproof/idproof/connector"
)

func TestFlexDate(t *testing.T) {
	for in, want := range map[string]string{
		`{"day":6,"month":6,"year":1986}`:                            "1986-06-06",
		`{"day":6,"month":6,"year":1986,"successfullyParsed":false}`: "",
		`"1986-06-06"`: "1986-06-06",
		`"06.06.1986"`: "1986-06-06",
		`"06/07/1986"`: "1986-06-07",
		`"19860606"`:   "1986-06-06",
		`"yesterday"`:  "",
		`12`:           "",
	} {
		var d flexDate
		if err := json.Unmarshal([]byte(in), &d); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if d.String() != want {
			t.Errorf("%s: %q, want %q", in, d, want)
		}
	}
}

func TestBarcodePayload(t *testing.T) {
	p := "@\n\x1e\rANSI 636000100002DL"
	b64 := base64.StdEncoding.EncodeToString([]byte(p))
	for _, in := range []string{
		`"@\n\u001e\rANSI 636000100002DL"`,
		`{"stringData":"@\n\u001e\rANSI 636000100002DL"}`,
		`{"rawData":"` + b64 + `"}`,
		`{"barcodeData":{"rawDataBase64":"` + b64 + `"}}`,
	} {
		if got := string(barcodePayload(json.RawMessage(in))); got != p {
			t.Errorf("%s: %q", in, got)
		}
	}
	if barcodePayload(nil) != nil || barcodePayload(json.RawMessage(`null`)) != nil || barcodePayload(json.RawMessage(`[1]`)) != nil {
		t.Error("absent payloads must be nil")
	}
}

func TestCombine(t *testing.T) {
	p := check("a", idproof.CheckPass, "", "")
	f := check("b", idproof.CheckFail, "IDV0040", "mismatch")
	n := check("c", idproof.CheckNotPerformed, "IDV0048", "unreadable")
	cases := []struct {
		parts []idproof.Check
		want  idproof.CheckResult
		why   string
	}{
		{nil, idproof.CheckNotPerformed, "IDV0021"},
		{[]idproof.Check{p, p}, idproof.CheckPass, ""},
		{[]idproof.Check{p, n, f}, idproof.CheckFail, "IDV0040"},
		{[]idproof.Check{p, n}, idproof.CheckNotPerformed, "IDV0048"},
	}
	for _, c := range cases {
		if got := combine("x", c.parts, "none"); got.Result != c.want || got.Reason != c.why {
			t.Errorf("%v: %v %s", c.parts, got.Result, got.Reason)
		}
	}
}

func TestCrossChecks(t *testing.T) {
	newRun := func(last, number string) *run {
		r := &run{c: &Connector{opts: Options{MaxAgeYears: 120}}, now: time.Now()}
		r.client = clientSide{LastName: last, FirstName: "Anna Maria", DocumentNumber: number, DateOfBirth: flexDate{1974, 8, 12}}
		r.barcode = &aamva.Result{FamilyName: "ERIKSSON-SMITH", FirstName: "ANNA", DocumentNumber: "L898902C3",
			BirthDate: aamva.Date{Year: 1974, Month: 8, Day: 12}}
		r.crossChecks()
		return r
	}
	results := func(r *run) map[string]idproof.Check {
		m := map[string]idproof.Check{}
		for _, c := range r.fraud {
			m[c.Name] = c
		}
		return m
	}
	// Punctuation and case do not matter; the first given name is compared.
	ok := results(newRun("Eriksson Smith", "L898902C3"))
	for _, name := range []string{"native.cross_lastName", "native.cross_firstName", "native.cross_documentNumber", "native.cross_dateOfBirth"} {
		if ok[name].Result != idproof.CheckPass {
			t.Errorf("%s: %+v", name, ok[name])
		}
	}
	// A truncated name (as an MRZ prints it) agrees; another name does not.
	if c := results(newRun("ERIKSSON", "L898902C3"))["native.cross_lastName"]; c.Result != idproof.CheckPass {
		t.Errorf("prefix: %+v", c)
	}
	bad := results(newRun("Smith", "L898902C4"))
	if c := bad["native.cross_lastName"]; c.Result != idproof.CheckFail || c.Reason != "IDV0040" || c.Message == "" {
		t.Errorf("last name: %+v", c)
	}
	// Document numbers must match exactly, not as a prefix.
	if c := results(newRun("Eriksson", "L898902C"))["native.cross_documentNumber"]; c.Result != idproof.CheckFail {
		t.Errorf("number prefix: %+v", c)
	}
	if norm("Eriksson-Smith") != "ERIKSSONSMITH" || norm(" é l8 ") != "L8" {
		t.Fatal("norm")
	}
}

func TestOptions(t *testing.T) {
	for cfg, ok := range map[string]bool{
		``: true, `{}`: true, `{"minAgeYears":18}`: true, `{"minAgeYears":-1}`: false,
		`{"minAgeYears":50,"maxAgeYears":40}`: false, `{"maxAgeYears":200}`: false, `[1]`: false,
		`{"faceMatchThreshold":0.6}`: true, `{"faceMatchThreshold":0.1}`: false, `{"faceMatchThreshold":2}`: false,
	} {
		_, err := Type().New(connector.Config{Verification: json.RawMessage(cfg)})
		if (err == nil) != ok {
			t.Errorf("%s: %v", cfg, err)
		}
	}
}

func TestNoImagesIsNotPerformed(t *testing.T) {
	c, _ := Type().New(connector.Config{})
	v, err := c.Verify(context.Background(), idproof.Evidence{Checks: []string{"document_liveness_front", "face_compare"}})
	if err != nil || len(v.Checks) != 2 {
		t.Fatal(err)
	}
	for _, ch := range v.Checks {
		if ch.Result != idproof.CheckNotPerformed || ch.Reason != "IDV0016" {
			t.Fatalf("%+v", ch)
		}
	}
}

// TestBarcodeUnreadFields checks that a barcode field that could not be
// read leaves the checks that need it NOT_PERFORMED: never a pass on the
// client's word, never a failure from the damage.
func TestBarcodeUnreadFields(t *testing.T) {
	payload := string(aamva.Build(10, "636000", "DL", [][2]string{
		{"DAQ", "T64235789"}, {"DCS", "SAMPLE"}, {"DDE", "N"}, {"DAC", "MICHELLE"}, {"DDF", "N"}, {"DAD", "NONE"},
		{"DDG", "N"}, {"DCA", "D"}, {"DCB", "NONE"}, {"DCD", "NONE"}, {"DBD", "06062019"}, {"DBB", "06061986"},
		{"DBA", "12102031"}, {"DBC", "2"}, {"DAU", "065 in"}, {"DAY", "BRO"}, {"DAG", "1 MAIN ST"},
		{"DAI", "RICHMOND"}, {"DAJ", "VA"}, {"DAK", "232690000"}, {"DCF", "1234567890"}, {"DCG", "USA"},
	}, nil))
	front := clientSide{LastName: "SAMPLE", FirstName: "MICHELLE", DocumentNumber: "T64235789",
		DateOfBirth: flexDate{1986, 6, 6}, DateOfExpiry: flexDate{2031, 12, 10}}
	now := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)

	tests := []struct {
		name    string
		payload string
		want    map[string]idproof.CheckResult
	}{
		{"separator lost between DAQ and DCS", strings.Replace(payload, "T64235789\nDCS", "T64235789DCS", 1),
			map[string]idproof.CheckResult{
				"native.barcode_data":         idproof.CheckNotPerformed,
				"native.cross_lastName":       idproof.CheckNotPerformed,
				"native.cross_documentNumber": idproof.CheckNotPerformed,
				"native.cross_firstName":      idproof.CheckPass,
				"native.cross_dateOfBirth":    idproof.CheckPass,
				"native.expiry":               idproof.CheckPass,
				"native.birth_date":           idproof.CheckPass,
			}},
		{"separator lost between DBB and DBA", strings.Replace(payload, "06061986\nDBA", "06061986DBA", 1),
			map[string]idproof.CheckResult{
				"native.barcode_data":         idproof.CheckNotPerformed,
				"native.cross_lastName":       idproof.CheckPass,
				"native.cross_documentNumber": idproof.CheckPass,
				"native.cross_dateOfBirth":    idproof.CheckNotPerformed,
				"native.cross_dateOfExpiry":   idproof.CheckNotPerformed,
				// The front claims both dates; they must not stand in.
				"native.expiry":     idproof.CheckNotPerformed,
				"native.birth_date": idproof.CheckNotPerformed,
			}},
		{"undecoded character in the first name", strings.Replace(payload, "DACMICHELLE", "DACMICH\uFFFDLLE", 1),
			map[string]idproof.CheckResult{
				"native.barcode_data":    idproof.CheckNotPerformed,
				"native.cross_firstName": idproof.CheckNotPerformed,
				"native.cross_lastName":  idproof.CheckPass,
			}},
		{"invalid, not damaged, still fails", strings.Replace(payload, "DBB06061986", "DBB13251986", 1),
			map[string]idproof.CheckResult{
				"native.barcode_data": idproof.CheckFail,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &run{c: &Connector{opts: Options{MaxAgeYears: 120}}, now: now, client: front}
			// The payload as decoded from the back image.
			r.back = append(r.back, r.barcodeData([]byte(tt.payload)))
			r.crossChecks()
			r.dateChecks()
			got := map[string]idproof.Check{}
			for _, c := range append(append(r.back, r.fraud...), r.front...) {
				got[c.Name] = c
			}
			for name, want := range tt.want {
				c, ok := got[name]
				if !ok || c.Result != want {
					t.Errorf("%s: %+v, want %v", name, c, want)
					continue
				}
				if want == idproof.CheckNotPerformed && (c.Reason != "IDV0021" || c.Message == "") {
					t.Errorf("%s: not performed without a reason: %+v", name, c)
				}
			}
			for _, c := range r.fraud {
				if c.Result == idproof.CheckFail {
					t.Errorf("a damaged barcode failed %s: %s", c.Name, c.Message)
				}
			}
		})
	}
}
