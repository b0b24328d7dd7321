// Package openapitest checks HTTP answers against the OpenAPI description:
// it finds the operation of a request, and validates the answer's status,
// media type and body with the schema the document gives them. Tests of
// a running server use it to keep the description from drifting.
package openapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// docURL names the document for the schema compiler; $refs inside it
// ("#/components/schemas/...") resolve against it.
const docURL = "urn:idproof:openapi.json"

// Checker validates answers against one document. It is safe for
// concurrent use.
type Checker struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	ops      []*Operation
	rest     map[string]bool // path parameters that span several segments

	mu      sync.Mutex
	schemas map[string]*jsonschema.Schema // by JSON pointer
	seen    map[string]bool               // operation keys checked at least once
}

// Operation is one method of one path of the document.
type Operation struct {
	Method   string // upper case
	Path     string // the path template, e.g. /proofingsession/{sessionId}
	segments []string
	node     map[string]any
}

// Key is "METHOD /path/template".
func (o *Operation) Key() string { return o.Method + " " + o.Path }

// Security describes the operation's security requirements: the scheme
// names of each alternative joined by "+", the alternatives by " | ",
// both sorted; "" when the operation needs none.
func (o *Operation) Security() string {
	reqs, _ := o.node["security"].([]any)
	var alts []string
	for _, r := range reqs {
		m, _ := r.(map[string]any)
		var names []string
		for n := range m {
			names = append(names, n)
		}
		sort.Strings(names)
		alts = append(alts, strings.Join(names, "+"))
	}
	sort.Strings(alts)
	return strings.Join(alts, " | ")
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// New parses doc. Path parameters named in rest match one or more path
// segments (the server's {name...} wildcards); the others match exactly
// one.
func New(doc []byte, rest ...string) (*Checker, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openapi document is not an object")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(docURL, m); err != nil {
		return nil, err
	}
	ck := &Checker{doc: m, compiler: c, rest: map[string]bool{}, schemas: map[string]*jsonschema.Schema{}, seen: map[string]bool{}}
	for _, r := range rest {
		ck.rest[r] = true
	}
	paths, _ := m["paths"].(map[string]any)
	for p, item := range paths {
		item, _ := item.(map[string]any)
		for _, meth := range methods {
			if op, ok := item[meth].(map[string]any); ok {
				ck.ops = append(ck.ops, &Operation{Method: strings.ToUpper(meth), Path: p, segments: strings.Split(strings.TrimPrefix(p, "/"), "/"), node: op})
			}
		}
	}
	sort.Slice(ck.ops, func(i, j int) bool { return ck.ops[i].Key() < ck.ops[j].Key() })
	return ck, nil
}

// Operations returns every operation of the document, sorted by key.
func (c *Checker) Operations() []*Operation { return slices.Clone(c.ops) }

// Find returns the operation of method and an escaped request path (as
// sent on the wire, without the query). Like the server's router, a
// literal segment wins over a parameter.
func (c *Checker) Find(method, escapedPath string) (*Operation, error) {
	segs := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	var best *Operation
	bestScore := -1
	for _, op := range c.ops {
		if op.Method != strings.ToUpper(method) {
			continue
		}
		if score, ok := c.match(op.segments, segs); ok && score > bestScore {
			best, bestScore = op, score
		}
	}
	if best == nil {
		return nil, fmt.Errorf("no operation of the document is %s %s", method, escapedPath)
	}
	return best, nil
}

// match reports whether the template's segments match the path's, and
// how many literal segments did.
func (c *Checker) match(tmpl, segs []string) (int, bool) {
	literal := 0
	for i, t := range tmpl {
		if i >= len(segs) {
			return 0, false
		}
		name, isParam := strings.CutPrefix(t, "{")
		if !isParam {
			if t != segs[i] {
				return 0, false
			}
			literal++
			continue
		}
		if segs[i] == "" {
			return 0, false
		}
		if c.rest[strings.TrimSuffix(name, "}")] && i == len(tmpl)-1 {
			return literal, true
		}
	}
	return literal, len(tmpl) == len(segs)
}

// Check validates an answer to method on escapedPath: its status must be
// listed for the operation, its media type among the status's content
// types, and a JSON body must be valid for the schema. body is the
// decrypted plain body when the answer was sealed.
func (c *Checker) Check(method, escapedPath string, status int, contentType string, body []byte) error {
	op, err := c.Find(method, escapedPath)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.seen[op.Key()] = true
	c.mu.Unlock()
	resp, ptr, err := c.response(op, status)
	if err != nil {
		return err
	}
	content, _ := resp["content"].(map[string]any)
	if op.Method == "HEAD" {
		return nil // the headers of a GET, without its body
	}
	if len(content) == 0 {
		if len(bytes.TrimSpace(body)) > 0 {
			return fmt.Errorf("%s: status %d is documented without a body, got %d bytes", op.Key(), status, len(body))
		}
		return nil
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	media, ok := content[mt].(map[string]any)
	if !ok && mt != "" {
		// A range such as image/* or */* covers the type.
		major, _, _ := strings.Cut(mt, "/")
		if media, ok = content[major+"/*"].(map[string]any); !ok {
			media, ok = content["*/*"].(map[string]any)
		}
	}
	if !ok {
		return fmt.Errorf("%s: status %d: media type %q is not documented", op.Key(), status, contentType)
	}
	if _, ok := media["schema"]; !ok || !isJSON(mt) {
		return nil
	}
	sch, err := c.schema(ptr + "/content/" + escapePointer(mt) + "/schema")
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: status %d: body is not JSON: %v", op.Key(), status, err)
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("%s: status %d: %v", op.Key(), status, err)
	}
	return nil
}

// response returns the documented response of op for status (exact code,
// then its class such as 4XX, then default) with $refs followed, and its
// JSON pointer in the document.
func (c *Checker) response(op *Operation, status int) (map[string]any, string, error) {
	responses, _ := op.node["responses"].(map[string]any)
	code := strconv.Itoa(status)
	for _, k := range []string{code, code[:1] + "XX", "default"} {
		r, ok := responses[k].(map[string]any)
		if !ok {
			continue
		}
		ptr := "/paths/" + escapePointer(op.Path) + "/" + strings.ToLower(op.Method) + "/responses/" + k
		for range 8 {
			ref, ok := r["$ref"].(string)
			if !ok {
				return r, ptr, nil
			}
			ptr = strings.TrimPrefix(ref, "#")
			r, _ = c.lookup(ptr).(map[string]any)
			if r == nil {
				return nil, "", fmt.Errorf("%s: response %s: $ref %s does not resolve", op.Key(), k, ref)
			}
		}
		return nil, "", fmt.Errorf("%s: response %s: $ref chain too long", op.Key(), k)
	}
	return nil, "", fmt.Errorf("%s: status %d is not documented", op.Key(), status)
}

// schema compiles (once) the schema at ptr.
func (c *Checker) schema(ptr string) (*jsonschema.Schema, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.schemas[ptr]; ok {
		return s, nil
	}
	s, err := c.compiler.Compile(docURL + "#" + ptr)
	if err != nil {
		return nil, fmt.Errorf("schema at %s: %w", ptr, err)
	}
	c.schemas[ptr] = s
	return s, nil
}

// CompileAll compiles every schema the document holds: those of
// components, parameters, request bodies and responses. It returns how
// many it compiled.
func (c *Checker) CompileAll() (int, error) {
	var errs []string
	n := 0
	walkSchemas(c.doc, "", func(ptr string) {
		n++
		if _, err := c.schema(ptr); err != nil {
			errs = append(errs, err.Error())
		}
	})
	if len(errs) > 0 {
		return n, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return n, nil
}

// walkSchemas calls f with the pointer of every "schema" member and of
// every components/schemas entry.
func walkSchemas(v any, ptr string, f func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			p := ptr + "/" + escapePointer(k)
			if k == "schema" || ptr == "/components/schemas" {
				f(p)
				continue
			}
			walkSchemas(child, p, f)
		}
	case []any:
		for i, child := range v {
			walkSchemas(child, ptr+"/"+strconv.Itoa(i), f)
		}
	}
}

// Unchecked returns the keys of operations no answer was checked for.
func (c *Checker) Unchecked() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, op := range c.ops {
		if !c.seen[op.Key()] {
			out = append(out, op.Key())
		}
	}
	return out
}

// lookup follows a JSON pointer in the document.
func (c *Checker) lookup(ptr string) any {
	var v any = c.doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		tok, _ = url.PathUnescape(tok)
		v = m[strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)]
	}
	return v
}

// Refs returns every $ref of the document that does not resolve.
func (c *Checker) Refs() []string {
	var bad []string
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				if ref, ok := child.(string); ok && k == "$ref" {
					if !strings.HasPrefix(ref, "#/") || c.lookup(strings.TrimPrefix(ref, "#")) == nil {
						bad = append(bad, ptr+": "+ref)
					}
					continue
				}
				walk(child, ptr+"/"+escapePointer(k))
			}
		case []any:
			for i, child := range v {
				walk(child, ptr+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(c.doc, "")
	sort.Strings(bad)
	return bad
}

func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func isJSON(mt string) bool { return mt == "application/json" || strings.HasSuffix(mt, "+json") }

// Pretty indents body for a failure message, leaving non-JSON as is.
func Pretty(body []byte) string {
	var b bytes.Buffer
	if json.Indent(&b, body, "", "  ") != nil {
		return string(body)
	}
	return b.String()
}
