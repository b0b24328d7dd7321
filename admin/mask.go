package admin

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/idproof/idproof"
)

// Masking hides the credentials inside a connector configuration when it is
// read back, while leaving enough to recognise which credential is set.
//
// The rule, applied to every key of every object at any depth:
//
//  1. The key is normalised: lower-cased, with '_', '-', '.' and spaces
//     removed, so apiKey, api_key and API-KEY are one name.
//  2. Names that point at a secret rather than hold one are never secret:
//     those ending in id, ids, name, type, url, uri, endpoint, path or file
//     (keyId, accessKeyId, secretName, tokenUrl, certPath), and publickey.
//  3. Otherwise the name is secret when it contains secret, password,
//     passwd, passphrase, token, credential, privatekey, accesskey,
//     accountkey, apikey, cert, license, connectionstring or authorization;
//     when it ends in key or keys (key, hmacKey, subscriptionKey, keys); or
//     when it is exactly pass, pwd or pin.
//
// Every string under a secret name is masked, including the strings of
// objects and arrays below it ("credentials": {...}, "apiKeys": [...]).
// Numbers, booleans and null are left alone: credentials are strings, and
// keeping the type lets a masked document be sent back unchanged. clientId
// and the like are identifiers, not secrets, and stay readable.
//
// A masked value is "****" followed by the last 4 characters of the secret,
// or "****" alone when the secret has 8 characters or fewer, so at most half
// of a short secret and never a whole one is shown. Empty strings stay empty:
// they hide nothing and show that the credential is not set.

// maskPrefix starts every masked value.
const maskPrefix = "****"

// notSecretSuffixes end names that refer to a secret without holding it.
var notSecretSuffixes = []string{"id", "ids", "name", "type", "url", "uri", "endpoint", "path", "file", "publickey"}

// secretParts make a name secret wherever they appear in it.
var secretParts = []string{"secret", "password", "passwd", "passphrase", "token", "credential",
	"privatekey", "accesskey", "accountkey", "apikey", "cert", "license", "connectionstring", "authorization"}

// IsSecretName reports whether a JSON key names a secret under the masking
// rule above.
func IsSecretName(key string) bool {
	n := strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '.', ' ':
			return -1
		}
		return r
	}, strings.ToLower(key))
	for _, s := range notSecretSuffixes {
		if strings.HasSuffix(n, s) {
			return false
		}
	}
	for _, p := range secretParts {
		if strings.Contains(n, p) {
			return true
		}
	}
	switch n {
	case "pass", "pwd", "pin":
		return true
	}
	return strings.HasSuffix(n, "key") || strings.HasSuffix(n, "keys")
}

// MaskValue returns the masked form of one secret string.
func MaskValue(s string) string {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return ""
	case n <= 8:
		return maskPrefix
	}
	r := []rune(s)
	return maskPrefix + string(r[n-4:])
}

// looksMasked reports whether s has the form MaskValue produces for a
// non-empty secret.
func looksMasked(s string) bool {
	return s == maskPrefix || (strings.HasPrefix(s, maskPrefix) && utf8.RuneCountInString(s) == len(maskPrefix)+4)
}

// MaskSecrets returns doc with every secret string masked, keys and their
// order otherwise unchanged. A doc that is not valid JSON reveals nothing:
// the result is nil (JSON null).
func MaskSecrets(doc json.RawMessage) json.RawMessage {
	root, err := parseJSON(doc)
	if err != nil {
		return nil
	}
	root.walk(false, func(n *jsonNode) {
		n.str = MaskValue(n.str)
	})
	return root.encode()
}

// jsonNode is a parsed JSON value that keeps the order of object keys, so a
// masked or restored document reads like the one the operator wrote.
type jsonNode struct {
	kind  byte        // '{' object, '[' array, '"' string, 0 any other scalar
	keys  []string    // object keys, in order
	elems []*jsonNode // object values (parallel to keys) or array elements
	str   string      // the value of a string
	raw   []byte      // the JSON text of a number, boolean or null
}

// parseJSON parses doc into a tree. json.Valid first bounds the nesting
// depth, so the recursion below cannot exhaust the stack.
func parseJSON(doc []byte) (*jsonNode, error) {
	if !json.Valid(doc) {
		return nil, errInvalidJSON
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	return parseNode(dec)
}

type jsonError string

func (e jsonError) Error() string { return string(e) }

const errInvalidJSON = jsonError("not valid JSON")

func parseNode(dec *json.Decoder) (*jsonNode, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		n := &jsonNode{kind: byte(v)}
		for dec.More() {
			if n.kind == '{' {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := k.(string)
				n.keys = append(n.keys, key)
			}
			child, err := parseNode(dec)
			if err != nil {
				return nil, err
			}
			n.elems = append(n.elems, child)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return n, nil
	case string:
		return &jsonNode{kind: '"', str: v}, nil
	case json.Number:
		return &jsonNode{raw: []byte(v)}, nil
	case bool:
		return &jsonNode{raw: []byte(strconv.FormatBool(v))}, nil
	}
	return &jsonNode{raw: []byte("null")}, nil
}

// walk calls f on every string node at a secret position. secret says
// whether n itself lies under a secret name.
func (n *jsonNode) walk(secret bool, f func(*jsonNode)) {
	switch n.kind {
	case '"':
		if secret {
			f(n)
		}
	case '{':
		for i, c := range n.elems {
			c.walk(secret || IsSecretName(n.keys[i]), f)
		}
	case '[':
		for _, c := range n.elems {
			c.walk(secret, f)
		}
	}
}

// get returns the value of key in an object node (the last one, as
// encoding/json reads duplicates), or nil.
func (n *jsonNode) get(key string) *jsonNode {
	if n == nil || n.kind != '{' {
		return nil
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i] == key {
			return n.elems[i]
		}
	}
	return nil
}

// encode writes the tree as compact JSON.
func (n *jsonNode) encode() json.RawMessage {
	var b bytes.Buffer
	n.encodeTo(&b)
	return b.Bytes()
}

func (n *jsonNode) encodeTo(b *bytes.Buffer) {
	switch n.kind {
	case '"':
		writeJSONString(b, n.str)
	case '{', '[':
		b.WriteByte(n.kind)
		for i, c := range n.elems {
			if i > 0 {
				b.WriteByte(',')
			}
			if n.kind == '{' {
				writeJSONString(b, n.keys[i])
				b.WriteByte(':')
			}
			c.encodeTo(b)
		}
		if n.kind == '{' {
			b.WriteByte('}')
		} else {
			b.WriteByte(']')
		}
	default:
		b.Write(n.raw)
	}
}

// writeJSONString writes s as a JSON string without HTML escaping, so that
// '<' and '&' in a configuration read back as written.
func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Truncate(b.Len() - 1)
}

// RestoreMasked returns doc with every masked secret replaced by the stored
// secret at the same place (see restoreSecrets), so a document read back
// masked can be sent back unchanged. path names doc in error messages.
func RestoreMasked(doc, stored json.RawMessage, path string) (json.RawMessage, error) {
	n, err := parseJSON(doc)
	if err != nil {
		return nil, idproof.Errorf(idproof.EINVALID, "%s is not valid JSON", path)
	}
	var old *jsonNode
	if len(stored) > 0 {
		if old, err = parseJSON(stored); err != nil {
			return nil, err
		}
	}
	if err := restoreSecrets(n, old, false, path); err != nil {
		return nil, err
	}
	return n.encode(), nil
}
