package openapi_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/idproof/idproof/openapi"
	"github.com/idproof/idproof/openapi/openapitest"
)

// TestDocument checks the document itself: OpenAPI 3.1, every $ref
// resolves, every schema compiles as JSON Schema 2020-12.
func TestDocument(t *testing.T) {
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct{ Title, Version string }
		Paths   map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(openapi.JSON(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
	}
	if doc.Info.Title != "idproof" || len(doc.Paths) == 0 {
		t.Errorf("info %+v, %d paths", doc.Info, len(doc.Paths))
	}
	ck, err := openapitest.New(openapi.JSON())
	if err != nil {
		t.Fatal(err)
	}
	if bad := ck.Refs(); len(bad) > 0 {
		t.Errorf("$refs that do not resolve:\n%s", strings.Join(bad, "\n"))
	}
	n, err := ck.CompileAll()
	if err != nil {
		t.Errorf("schemas that do not compile:\n%v", err)
	}
	if n < len(doc.Paths) {
		t.Errorf("compiled %d schemas for %d paths", n, len(doc.Paths))
	}
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// TestOperations checks what every operation must have: a unique
// operationId, a tag, security, its path parameters declared, and
// responses in the error format.
func TestOperations(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string            `json:"operationId"`
			Tags        []string          `json:"tags"`
			Security    *[]map[string]any `json:"security"`
			Parameters  []struct {
				Name, In string
				Ref      string `json:"$ref"`
			}
			Responses map[string]json.RawMessage
		}
	}
	if err := json.Unmarshal(openapi.JSON(), &doc); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for path, item := range doc.Paths {
		for method, op := range item {
			key := method + " " + path
			if prev, ok := ids[op.OperationID]; ok || op.OperationID == "" {
				t.Errorf("%s: operationId %q is empty or also %s", key, op.OperationID, prev)
			}
			ids[op.OperationID] = key
			if len(op.Tags) != 1 || op.Security == nil || len(op.Responses) == 0 {
				t.Errorf("%s: tags %v, security %v, %d responses", key, op.Tags, op.Security, len(op.Responses))
			}
			declared := map[string]bool{}
			for _, p := range op.Parameters {
				if p.In == "path" {
					declared[p.Name] = true
				}
			}
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s: path parameter %s is not declared", key, m[1])
				}
			}
			if len(declared) != len(pathParam.FindAllString(path, -1)) {
				t.Errorf("%s: declares path parameters the path does not have", key)
			}
			if _, ok := op.Responses["500"]; !ok {
				t.Errorf("%s: no 500 response", key)
			}
		}
	}
}

func TestForVersion(t *testing.T) {
	cases := []struct{ name, version, want string }{
		{"tagged build", "v1.4.0.3f2a1bc.1700000000", `"version": "v1.4.0.3f2a1bc.1700000000"`},
		{"quotes escaped", `a"b`, `"version": "a\"b"`},
		{"no version", "", `"version": "unversioned"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := openapi.ForVersion(c.version)
			var doc struct{ Info struct{ Version string } }
			if err := json.Unmarshal(got, &doc); err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(got, []byte(c.want)) || (c.version != "" && doc.Info.Version != c.version) {
				t.Errorf("info.version %q, want %q", doc.Info.Version, c.version)
			}
		})
	}
	// The placeholder is info.version and nothing else.
	if n := bytes.Count(openapi.JSON(), []byte(`"version": "unversioned"`)); n != 1 {
		t.Errorf("placeholder found %d times, want once", n)
	}
}
