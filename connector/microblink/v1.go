package microblink

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/idproof/idproof"
)

// v1Response is the part of a BlinkID Verify v1 answer the connector reads:
// the data of the envelope {traceId, startTime, finishTime, version, data}.
type v1Response struct {
	Data *struct {
		ProcessingStatus  string `json:"processingStatus"`
		OverallFraudCheck *struct {
			Result *struct {
				Result string `json:"result"`
			} `json:"result"`
		} `json:"overallFraudCheck"`
		ExtractionResult map[string]json.RawMessage `json:"extractionResult"`
	} `json:"data"`
}

// v1Checks are the sub-checks of a v1 answer reported as details, in the
// order the API documents them.
var v1Checks = []string{"dataCheck", "documentLivenessCheck", "visualCheck", "documentValidityCheck", "imageQualityCheck"}

// v1Decisions maps overallFraudCheck.result.result to a decision.
var v1Decisions = map[idproof.CheckResult]decision{
	idproof.CheckPass:         accept,
	idproof.CheckFail:         reject,
	idproof.CheckNotPerformed: notPerformed,
}

// parseV1 reads a v1 answer. Its processingStatus must be COMPLETED and
// its overall fraud check must carry a result.
func parseV1(raw []byte) (*result, error) {
	var resp v1Response
	if err := json.Unmarshal(raw, &resp); err != nil {
		return nil, fmt.Errorf("microblink: the v1 response is malformed: %w", err)
	}
	var data map[string]json.RawMessage
	if resp.Data == nil || json.Unmarshal(raw, &struct {
		Data *map[string]json.RawMessage `json:"data"`
	}{&data}) != nil {
		return nil, errors.New("microblink: the v1 response has no data")
	}
	d := resp.Data
	if !strings.EqualFold(d.ProcessingStatus, "COMPLETED") {
		return nil, fmt.Errorf("microblink: data.processingStatus is %q, not COMPLETED", clip(d.ProcessingStatus, 64))
	}
	if d.OverallFraudCheck == nil || d.OverallFraudCheck.Result == nil || d.OverallFraudCheck.Result.Result == "" {
		return nil, errors.New("microblink: the v1 response has no data.overallFraudCheck.result.result")
	}
	r := &result{word: d.OverallFraudCheck.Result.Result}
	r.overall = mapResult(r.word)
	dec, ok := v1Decisions[r.overall]
	if !ok {
		return nil, fmt.Errorf("microblink: unknown overallFraudCheck result %q", clip(r.word, 64))
	}
	r.decision = dec
	for _, name := range v1Checks {
		var node any
		if json.Unmarshal(data[name], &node) != nil {
			continue
		}
		res, ok := v1Result(node, 0)
		if !ok {
			continue
		}
		r.details = append(r.details, detail{name: name, result: res, word: string(res)})
		switch name {
		case "documentLivenessCheck":
			r.liveness = res
		case "imageQualityCheck":
			r.retryHint = res == idproof.CheckFail
		}
		r.failed = append(r.failed, v1Failed(node, name, 0)...)
	}
	fields := map[string]json.RawMessage{}
	for k, v := range d.ExtractionResult {
		fields[fieldKey(k)] = v
	}
	var class struct {
		ISO3 json.RawMessage `json:"isoAlpha3CountryCode"`
	}
	if json.Unmarshal(d.ExtractionResult["classInfo"], &class) == nil && len(class.ISO3) > 0 {
		fields["isoalpha3countrycode"] = class.ISO3
	}
	document(&r.doc, fields)
	// The barcode (a US licence's PDF417) fills what the visual zone lacked.
	var barcode map[string]json.RawMessage
	if json.Unmarshal(d.ExtractionResult["barcode"], &barcode) == nil {
		fields = map[string]json.RawMessage{}
		for k, v := range barcode {
			fields[fieldKey(k)] = v
		}
		document(&r.doc, fields)
	}
	return r, nil
}

// maxDepth bounds how deep a v1 check tree is read. The documented trees
// are four levels deep; a deeper one is not worth walking, and an
// unbounded walk would let a hostile endpoint spend the server's time.
const maxDepth = 12

// wrappers are the keys under which a v1 check carries its own result.
var wrappers = []string{"overall", "result", "check"}

// v1Result reads a v1 check in any of its shapes: a bare PASS/FAIL/
// NOT_PERFORMED, {result: ...}, {check: ...}, {overall: ...}, or a group of
// sub-checks without an overall, which fails if one failed and passes if
// the performed ones passed. ok is false when node holds no result at all.
// Each node is visited once.
func v1Result(node any, depth int) (res idproof.CheckResult, ok bool) {
	if depth > maxDepth {
		return "", false
	}
	switch n := node.(type) {
	case string:
		res = mapResult(n)
		return res, res != ""
	case map[string]any:
		for _, k := range wrappers {
			if sub, found := n[k]; found {
				if res, ok := v1Result(sub, depth+1); ok {
					return res, true
				}
			}
		}
		seen := map[idproof.CheckResult]bool{}
		for k, sub := range n {
			if k == "certaintyLevel" || slices.Contains(wrappers, k) {
				continue
			}
			if res, ok := v1Result(sub, depth+1); ok {
				seen[res] = true
			}
		}
		switch {
		case seen[idproof.CheckFail]:
			return idproof.CheckFail, true
		case seen[idproof.CheckPass]:
			return idproof.CheckPass, true
		case seen[idproof.CheckNotPerformed]:
			return idproof.CheckNotPerformed, true
		}
	}
	return "", false
}

// v1Failed lists the paths of the failed checks under node, leaving out
// the overall/result/check wrappers so a path names checks only.
func v1Failed(node any, path string, depth int) []string {
	if depth > maxDepth {
		return nil
	}
	switch n := node.(type) {
	case string:
		if mapResult(n) == idproof.CheckFail {
			return []string{path}
		}
	case map[string]any:
		keys := make([]string, 0, len(n))
		for k := range n {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var found []string
		for _, k := range keys {
			sub := path + "." + k
			switch {
			case k == "certaintyLevel":
				continue
			case slices.Contains(wrappers, k):
				sub = path
			}
			found = append(found, v1Failed(n[k], sub, depth+1)...)
		}
		// A group that failed through its own overall as well as through
		// sub-checks is named by the sub-checks, each once.
		var out []string
		seen := map[string]bool{}
		for _, p := range found {
			if seen[p] || (p == path && slices.ContainsFunc(found, func(q string) bool { return q != path })) {
				continue
			}
			seen[p] = true
			out = append(out, p)
		}
		return out
	}
	return nil
}
