package httpapi

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/idproof/idproof/openapi"
	"github.com/idproof/idproof/openapi/openapitest"
)

// documentedElsewhere are route lines the description cannot state as
// they are, with the operations that describe them instead.
var documentedElsewhere = map[string][]string{
	// Every method of the local bucket's presigned URLs; the key spans
	// segments. The handler serves GET, HEAD and PUT, and refuses others.
	"/blob/": {"GET /blob/{key}", "HEAD /blob/{key}", "PUT /blob/{key}"},
}

var wildcard = regexp.MustCompile(`\{(\w+)\.\.\.\}`)

// operationsOf returns the operation keys a route line is documented as:
// the same method and path, with {name...} written {name}.
func operationsOf(pattern string) []string {
	if ops, ok := documentedElsewhere[pattern]; ok {
		return ops
	}
	return []string{wildcard.ReplaceAllString(pattern, "{$1}")}
}

// TestOpenAPICoversRoutes checks the description against the route table
// both ways: every route line has its operation, and every operation is a
// route. A route added without documentation fails here.
func TestOpenAPICoversRoutes(t *testing.T) {
	ck, err := openapitest.New(openapi.JSON())
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, op := range ck.Operations() {
		documented[op.Key()] = true
	}
	routed := map[string]bool{}
	for _, rt := range (&Server{}).routes() {
		for _, key := range operationsOf(rt.pattern) {
			routed[key] = true
			if !documented[key] {
				t.Errorf("route %q: no operation %q in openapi/openapi.json", rt.pattern, key)
			}
		}
	}
	for key := range documented {
		if !routed[key] {
			t.Errorf("operation %q of openapi/openapi.json is no route of the table", key)
		}
	}
}

// TestOpenAPISecurityMatchesClass checks that each operation asks for
// the credentials of its route's access class.
func TestOpenAPISecurityMatchesClass(t *testing.T) {
	want := map[class]string{
		public:           "",
		session:          "publickey+requestid",
		sessionOrLicense: "keyId+keySecret+license | licensekey+publickey+requestid | publickey+requestid",
		licensed:         "keyId+keySecret+license | licensekey+publickey+requestid",
		service:          "keyId+keySecret+license | licensekey+publickey+requestid",
		serviceExt:       "keyId+keySecret+license | licensekey+publickey+requestid",
		system:           "keyId+keySecret+license | licensekey+publickey+requestid",
	}
	ck, err := openapitest.New(openapi.JSON())
	if err != nil {
		t.Fatal(err)
	}
	security := map[string]string{}
	for _, op := range ck.Operations() {
		security[op.Key()] = op.Security()
	}
	for _, rt := range (&Server{}).routes() {
		w, ok := want[rt.class]
		if !ok {
			t.Fatalf("route %q: class %v has no expected security", rt.pattern, rt.class)
		}
		for _, key := range operationsOf(rt.pattern) {
			if got, ok := security[key]; ok && got != w {
				t.Errorf("%s: security %q, want %q (class of %q)", key, got, w, rt.pattern)
			}
		}
	}
}

// TestOpenAPIServed checks GET /openapi.json: the embedded document with
// this server's version, JSON, cacheable and revalidated by its ETag.
func TestOpenAPIServed(t *testing.T) {
	srv := &Server{cfg: Config{Version: "v1.2.3.abc.1700000000"}}
	cases := []struct {
		name        string
		ifNoneMatch func(etag string) string
		status      int
	}{
		{"first fetch", func(string) string { return "" }, http.StatusOK},
		{"same etag", func(e string) string { return e }, http.StatusNotModified},
		{"weak etag in a list", func(e string) string { return `"x", W/` + e }, http.StatusNotModified},
		{"another etag", func(string) string { return `"0"` }, http.StatusOK},
	}
	etag := openAPIFor(srv.cfg.Version).etag
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/openapi.json", nil)
			if h := c.ifNoneMatch(etag); h != "" {
				r.Header.Set("If-None-Match", h)
			}
			w := httptest.NewRecorder()
			if err := srv.openAPI(w, r); err != nil {
				t.Fatal(err)
			}
			if w.Code != c.status {
				t.Fatalf("status %d, want %d", w.Code, c.status)
			}
			if got := w.Header().Get("ETag"); got != etag {
				t.Errorf("ETag %q, want %q", got, etag)
			}
			if cc := w.Header().Get("Cache-Control"); !strings.Contains(cc, "public") || !strings.Contains(cc, "max-age=") {
				t.Errorf("Cache-Control %q", cc)
			}
			if c.status != http.StatusOK {
				return
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if !slices.Equal(w.Body.Bytes(), openapi.ForVersion("v1.2.3.abc.1700000000")) {
				t.Error("body is not the document of this version")
			}
		})
	}
}
