package proofing

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReasonCatalogMatchesDocs keeps the one catalog and docs/reasons.md
// in step: every code in the code is documented and the other way round.
func TestReasonCatalogMatchesDocs(t *testing.T) {
	doc, err := os.ReadFile("../docs/reasons.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\| (IDV\d{4}) \|`).FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = true
	}
	for code := range Reasons {
		if !documented[code] {
			t.Errorf("%s is in the catalog but not in docs/reasons.md", code)
		}
		delete(documented, code)
	}
	for code := range documented {
		t.Errorf("%s is documented but not in the catalog", code)
	}
	if !strings.Contains(string(doc), "IDV0010") {
		t.Fatal("docs/reasons.md lost its table")
	}
}
