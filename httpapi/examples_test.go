package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/idproof/idproof/client"
)

// apiExample is one request example of the API document, as written in
// testdata/api-examples.txt.
type apiExample struct {
	method, path string
	headers      []string
	body         string // "" when the example sends none
}

func (x apiExample) key() string { return x.method + " " + x.path }

func loadExamples(t *testing.T) []apiExample {
	t.Helper()
	raw, err := os.ReadFile("testdata/api-examples.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []apiExample
	for _, block := range strings.Split(string(raw), "\n\n") {
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(block), "\n") {
			if l != "" && !strings.HasPrefix(l, "#") {
				lines = append(lines, l)
			}
		}
		if len(lines) == 0 {
			continue
		}
		method, path, _ := strings.Cut(lines[0], " ")
		x := apiExample{method: method, path: path}
		if len(lines) > 1 {
			x.headers = strings.Split(strings.TrimPrefix(lines[1], "headers: "), ", ")
		}
		if len(lines) > 2 {
			x.body = lines[2]
		}
		out = append(out, x)
	}
	return out
}

// curlRE matches a curl example of the API document: method, URL, and its
// -H and -d lines.
var curlRE = regexp.MustCompile(`curl -X (\w+) '([^']+)'((?:\s*\\\n\s*-[Hd] '[^']*')*)`)

// TestExamplesMatchDocument checks testdata/api-examples.txt against the
// API document itself, when it is at hand: every curl example is there,
// word for word, and nothing else is.
func TestExamplesMatchDocument(t *testing.T) {
	doc := os.Getenv("IDPROOF_API_DOCUMENT")
	if doc == "" {
		doc = "../../shared/spec/idproofing-api-v2.txt"
	}
	text, err := os.ReadFile(doc)
	if err != nil {
		t.Skipf("API document not found (%v); set IDPROOF_API_DOCUMENT to check the examples against it", err)
	}
	want := map[string]bool{}
	for _, m := range curlRE.FindAllStringSubmatch(string(text), -1) {
		path := strings.TrimPrefix(m[2], "https://pilot-root.1kosmos.net/idproofingapi")
		var hdrs []string
		for _, h := range regexp.MustCompile(`-H '([^:]+):`).FindAllStringSubmatch(m[3], -1) {
			if h[1] != "Content-Type" {
				hdrs = append(hdrs, h[1])
			}
		}
		body := ""
		if d := regexp.MustCompile(`-d '([^']*)'`).FindStringSubmatch(m[3]); d != nil {
			body = d[1]
		}
		want[m[1]+" "+path+"\n"+strings.Join(hdrs, ", ")+"\n"+body] = true
	}
	got := map[string]bool{}
	for _, x := range loadExamples(t) {
		got[x.key()+"\n"+strings.Join(x.headers, ", ")+"\n"+x.body] = true
	}
	for k := range want {
		if !got[k] {
			t.Errorf("the document's example is missing from testdata:\n%s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("testdata has an example the document does not:\n%s", k)
		}
	}
}

// exampleCall is how one example is made real: what replaces its
// placeholders, and who sends it.
type exampleCall struct {
	ids []string       // the path's placeholders, in order
	set map[string]any // dotted JSON path -> value; each must replace a placeholder
	// add fills fields the example elides with "...": null.
	add     map[string]any
	browser *client.Client // the session's key pair, for session endpoints
	// license is the license the call carries, when the example's headers
	// do not show one although the endpoint needs it.
	license string
	// encryptedOnly: the endpoint takes only an encrypted body; the plain
	// form must be refused with a message containing this.
	encryptedOnly string
	after         func(t *testing.T, reply []byte)
}

// placeholderRE matches the document's placeholder values.
var placeholderRE = regexp.MustCompile(`^(x+|string|base64|xxxx.*x+=?|<[a-zA-Z]+>|[a-z_]+( \| [a-z_]+)+)$`)

// environmentValues are values in the document's examples that name its
// vendor's own environment: replaced like placeholders.
var environmentValues = map[string]bool{"idpass.1kosmos.net": true}

// fillPath replaces the path's placeholder segments with ids.
func fillPath(t *testing.T, path string, ids []string) string {
	t.Helper()
	segs := strings.Split(path, "/")
	n := 0
	for i, s := range segs {
		if s != "" && placeholderRE.MatchString(s) {
			if n >= len(ids) {
				t.Fatalf("%s: no id for placeholder %d", path, n)
			}
			segs[i] = url.PathEscape(ids[n])
			n++
		}
	}
	if n != len(ids) {
		t.Fatalf("%s: %d ids for %d placeholders", path, len(ids), n)
	}
	return strings.Join(segs, "/")
}

// fillBody replaces placeholders of body at the given paths, and adds the
// fields the example elides. It fails the test when a path does not hold
// a placeholder, so that nothing the document writes out is changed.
func fillBody(t *testing.T, body string, set, add map[string]any) string {
	t.Helper()
	if body == "" {
		return ""
	}
	var doc any
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("example body is not JSON: %v", err)
	}
	for path, v := range set {
		parent, last := walk(t, doc, path)
		old := get(parent, last)
		s, ok := old.(string)
		if !ok || !(placeholderRE.MatchString(s) || environmentValues[s]) {
			t.Fatalf("%s holds %v, not a placeholder", path, old)
		}
		put_(parent, last, v)
	}
	for path, v := range add {
		parent, last := walk(t, doc, path)
		m, ok := parent.(map[string]any)
		if _, elided := m["..."]; !ok || !elided {
			t.Fatalf("%s: the example does not elide fields there", path)
		}
		m[last] = v
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func walk(t *testing.T, doc any, path string) (parent any, last string) {
	t.Helper()
	parts := strings.Split(path, ".")
	cur := doc
	for _, p := range parts[:len(parts)-1] {
		cur = get(cur, p)
		if cur == nil {
			t.Fatalf("%s: no %s", path, p)
		}
	}
	return cur, parts[len(parts)-1]
}

func get(node any, key string) any {
	switch n := node.(type) {
	case map[string]any:
		return n[key]
	case []any:
		if i, err := strconv.Atoi(key); err == nil && i < len(n) {
			return n[i]
		}
	}
	return nil
}

func put_(node any, key string, v any) {
	switch n := node.(type) {
	case map[string]any:
		n[key] = v
	case []any:
		i, _ := strconv.Atoi(key)
		n[i] = v
	}
}

// sendExample sends x as the document writes it, with its placeholders
// filled, in the plain form or enveloped.
func (e *env) sendExample(t *testing.T, x apiExample, c exampleCall, enveloped bool) (json.RawMessage, error) {
	t.Helper()
	ctx := context.Background()
	path := fillPath(t, x.path, c.ids)
	body := fillBody(t, x.body, c.set, c.add)
	has := map[string]bool{}
	for _, h := range x.headers {
		has[h] = true
	}
	legacy := map[string]string{"keyId": e.creds.ServiceKey.KeyID, "keySecret": e.creds.ServiceKey.KeySecret, "license": e.licenses[c.license]}
	if !has["requestid"] {
		// The legacy form: plain credentials, no key pair of the caller's.
		hdr := map[string]string{"Content-Type": "application/json"}
		for _, h := range x.headers {
			hdr[h] = legacy[h]
		}
		st, reply := raw(t, x.method, e.url+path, body, hdr)
		if st/100 != 2 {
			return reply, &client.Error{StatusCode: st, Message: string(reply)}
		}
		return reply, nil
	}
	cl := c.browser
	if cl == nil {
		cl = e.client(t, c.license)
	}
	opts := []client.CallOption{client.EditHeaders(func(h http.Header) {
		for _, name := range []string{"keyId", "keySecret", "license"} {
			if has[name] {
				h.Set(name, legacy[name])
			}
		}
	})}
	var in any
	if body != "" {
		in = json.RawMessage(body)
		if enveloped {
			opts = append(opts, client.Envelope())
			// A body the document wraps in "data" is the object to encrypt.
			var wrapped map[string]json.RawMessage
			if json.Unmarshal([]byte(body), &wrapped) == nil && len(wrapped) == 1 && bytes.HasPrefix(bytes.TrimSpace(wrapped["data"]), []byte("{")) {
				in = wrapped["data"]
			}
		}
	}
	var out json.RawMessage
	err := cl.Do(ctx, x.method, path, in, &out, opts...)
	return out, err
}

// TestAPIDocumentExamples sends every request example of the API document
// to a running server, plain and encrypted, on both stores, and expects
// success: placeholders get real ids, keys and images, everything else is
// sent as written.
func TestAPIDocumentExamples(t *testing.T) {
	examples := loadExamples(t)
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			cases := e.exampleCases()
			seen := map[string]bool{}
			for _, x := range examples {
				prepare, ok := cases[x.key()]
				if !ok {
					t.Errorf("no case for the example %s", x.key())
					continue
				}
				seen[x.key()] = true
				forms := []bool{false}
				if x.body != "" {
					forms = append(forms, true)
				}
				for _, enveloped := range forms {
					name := x.key() + " plain"
					if enveloped {
						name = x.key() + " encrypted"
					}
					t.Run(name, func(t *testing.T) {
						c := prepare(t)
						reply, err := e.sendExample(t, x, c, enveloped)
						if c.encryptedOnly != "" && !enveloped {
							wantAPIError(t, err, 400, c.encryptedOnly)
							return
						}
						if err != nil {
							t.Fatalf("%v", err)
						}
						if c.after != nil {
							c.after(t, reply)
						}
					})
				}
			}
			for k := range cases {
				if !seen[k] {
					t.Errorf("case %s has no example in testdata", k)
				}
			}
		})
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
