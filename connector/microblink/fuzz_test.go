package microblink

import (
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	mbt "github.com/idproof/idproof/connector/microblink/microblinktest"
	"github.com/idproof/idproof/proofing"
)

var fuzzSeeds = []mbt.Scenario{mbt.Accept, mbt.Reject, mbt.Retry, mbt.ManuallyReview, mbt.Undeterminable,
	mbt.NotCompleted, mbt.WrongShape, mbt.V1MissingOverallResult, mbt.AcceptLivenessNotDone}

// fuzzParse holds a parser to the rule that matters: whatever the vendor
// sends, nothing but its own accepting answer may end in a pass.
func fuzzParse(f *testing.F, version int, parse func([]byte) (*result, error)) {
	for _, sc := range fuzzSeeds {
		if body, ok := mbt.Body(sc, version); ok {
			f.Add([]byte(body))
		}
	}
	f.Add([]byte(`{"processingStatus":"Completed","verification":{"recommendedOutcome":"ACCEPT"},"checks":[{"name":"X","result":"Warn"}]}`))
	f.Add([]byte(`{"data":{"processingStatus":"COMPLETED","overallFraudCheck":{"result":{"result":"PASS"}},"visualCheck":[1]}}`))
	ev := idproof.Evidence{Checks: []string{"document_liveness_front", "document_liveness_back", "fraud_detection"}}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := parse(raw)
		if err != nil {
			return
		}
		v := r.verdict(ev, true, "fuzz")
		if o, _, _ := proofing.DeriveOutcome(v.Checks, v.Review, false); o == idproof.OutcomePass && r.decision != accept {
			t.Fatalf("decision %d (%q) passed: %+v", r.decision, r.word, v.Checks)
		}
		for _, c := range v.Checks {
			if c.Result != idproof.CheckPass && c.Result != idproof.CheckFail && c.Result != idproof.CheckNotPerformed {
				t.Fatalf("check %+v has no valid result", c)
			}
		}
	})
}

func FuzzParseV2(f *testing.F) { fuzzParse(f, 2, parseV2) }

func FuzzParseV1(f *testing.F) { fuzzParse(f, 1, parseV1) }

// TestDeepNesting feeds answers nested as deep as the JSON decoder allows:
// reading them must stay quick, and must not pass.
func TestDeepNesting(t *testing.T) {
	deep := func(open, leaf, closing string, n int) string {
		return strings.Repeat(open, n) + leaf + strings.Repeat(closing, n)
	}
	v1 := `{"data":{"processingStatus":"COMPLETED","overallFraudCheck":{"result":{"result":"PASS"}},` +
		`"visualCheck":` + deep(`{"overall":{"z":1},"sub":{"z":2},"check":`, `"FAIL"`, `}`, 5000) + `,` +
		`"extractionResult":{"firstName":` + deep(`{"value":`, `"X"`, `}`, 5000) + `}}}`
	v2 := `{"processingStatus":"Completed","verification":{"recommendedOutcome":"Reject"},"checks":[` +
		deep(`{"name":"A","result":"Fail","checks":[`, `{"name":"B","result":"Fail"}`, `]}`, 3000) + `]}`
	start := time.Now()
	r, err := parseV1([]byte(v1))
	if err != nil {
		t.Fatal(err)
	}
	if r.doc.FirstName != "" {
		t.Errorf("a value nested 5000 deep was read: %q", r.doc.FirstName)
	}
	if _, err := parseV2([]byte(v2)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("deep answers took %s", d)
	}
}
