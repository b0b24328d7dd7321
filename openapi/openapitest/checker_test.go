package openapitest

import (
	"strings"
	"testing"
)

const testDoc = `{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "paths": {
    "/items/{id}": {"get": {"responses": {
      "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
      "404": {"$ref": "#/components/responses/Error"}}}},
    "/items/new": {"get": {"responses": {"204": {"description": "none"}}}},
    "/files/{key}": {"get": {"responses": {"200": {"description": "bytes", "content": {"*/*": {"schema": {"type": "string"}}}}}}}
  },
  "components": {
    "schemas": {
      "Item": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"], "additionalProperties": false},
      "Error": {"type": "object", "required": ["message"]}
    },
    "responses": {"Error": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
  }
}`

func TestCheck(t *testing.T) {
	ck, err := New([]byte(testDoc), "key")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, method, path string
		status             int
		ctype, body        string
		wantErr            string // "" for valid
	}{
		{"valid", "GET", "/items/7", 200, "application/json", `{"id":"7"}`, ""},
		{"member not described", "GET", "/items/7", 200, "application/json", `{"id":"7","extra":1}`, "additional properties"},
		{"required member missing", "GET", "/items/7", 200, "application/json; charset=utf-8", `{}`, "missing"},
		{"error through a response $ref", "GET", "/items/7", 404, "application/json", `{"message":"no"}`, ""},
		{"status not documented", "GET", "/items/7", 500, "application/json", `{"message":"no"}`, "not documented"},
		{"media type not documented", "GET", "/items/7", 200, "text/html", `<p>`, "media type"},
		{"literal wins over parameter", "GET", "/items/new", 204, "", ``, ""},
		{"body where none is documented", "GET", "/items/new", 204, "", `{}`, "without a body"},
		{"wildcard spans segments", "GET", "/files/a/b/c.png", 200, "image/png", "\x89PNG", ""},
		{"parameter is one segment", "GET", "/items/7/x", 200, "application/json", `{"id":"7"}`, "no operation"},
		{"method not documented", "POST", "/items/7", 200, "application/json", `{"id":"7"}`, "no operation"},
		{"not JSON", "GET", "/items/7", 200, "application/json", `{`, "not JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ck.Check(c.method, c.path, c.status, c.ctype, []byte(c.body))
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, c.wantErr)
			}
		})
	}
	if left := ck.Unchecked(); len(left) != 0 {
		t.Errorf("unchecked %v", left)
	}
	if n, err := ck.CompileAll(); err != nil || n != 5 {
		t.Errorf("CompileAll: %d schemas, %v", n, err)
	}
}

func TestRefs(t *testing.T) {
	ck, err := New([]byte(`{"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if bad := ck.Refs(); len(bad) != 1 || !strings.Contains(bad[0], "Nope") {
		t.Errorf("Refs %v", bad)
	}
}
