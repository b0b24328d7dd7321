package authenticid

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/idproof/idproof"
)

// FuzzAirResponse feeds arbitrary CFAir answers to the mapping: it must not
// panic, and a pass needs action code 99 and a pass word.
func FuzzAirResponse(f *testing.F) {
	for _, s := range []string{airBody(99, "Passed", ""), airBody(99, "", "Verified"), airBody(3, "Passed", ""), airBody(99, "Attention", ""), `{}`, `[]`, ``, `{"ActionCodes":{"code":"99"},"SegmentName":"pass"}`} {
		f.Add([]byte(s))
	}
	c := mustBuild(f, airConfig("air.example.com"), verification(nil))
	f.Fuzz(func(t *testing.T, raw []byte) {
		v, err := c.mapAir(raw, docChecks, idproof.DocDriversLicense, true)
		if err != nil {
			if v != nil {
				t.Fatal("a verdict with an error")
			}
			return
		}
		if outcome(v) != idproof.OutcomePass {
			return
		}
		var r struct {
			AuthenticationResult, SegmentName string
			ActionCodes                       struct{ Code json.RawMessage }
		}
		if json.Unmarshal(raw, &r) != nil || strings.Trim(string(r.ActionCodes.Code), `" `) != "99" {
			t.Fatalf("passed without action code 99: %s", raw)
		}
		if decisionWord(r.AuthenticationResult) != decPass && (r.AuthenticationResult != "" || decisionWord(r.SegmentName) != decPass) {
			t.Fatalf("passed without a pass word: %s", raw)
		}
	})
}

// FuzzParsePostback feeds arbitrary postbacks to ParsePostback and
// MapStatus: no panic, and a pass needs a completed transaction.
func FuzzParsePostback(f *testing.F) {
	for _, s := range []string{
		statusBody("SUCCESS", "COMPLETED", "Verified", code99, `[]`), statusBody("EXPIRED", "EXPIRED", "", code99, `[]`),
		`{"requestID":"r","transactions":[{"transactionStatus":"completed","actionCodes":{"code":99}}]}`, `{"requestID":"r"}`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	c := mustBuild(f, webConfig("air.example.com", "https://cfweb.example.com"), verification(nil))
	f.Fuzz(func(t *testing.T, body []byte) {
		st, err := ParsePostback(body)
		if err != nil {
			return
		}
		v, err := c.MapStatus(st, docChecks)
		if err == nil && outcome(v) == idproof.OutcomePass && !strings.Contains(strings.ToUpper(string(body)), "COMPLETED") {
			t.Fatalf("passed without a completed transaction: %s", body)
		}
	})
}
