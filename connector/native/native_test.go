package native

import (
	"context"
	"encoding/base64"
	"encoding/json"
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
