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
	n := normaliseName(key)
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

// normaliseName lower-cases key and drops '_', '-', '.' and spaces.
func normaliseName(key string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '.', ' ':
			return -1
		}
		return r
	}, strings.ToLower(key))
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
// outside are the values kept beside doc that also decide where its secrets
// go (a bucket's name); see restore.
func RestoreMasked(doc, stored json.RawMessage, path string, outside ...Destination) (json.RawMessage, error) {
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
	if err := restore(n, old, path, outside); err != nil {
		return nil, err
	}
	return n.encode(), nil
}

// A masked value stands for the stored secret only while the document still
// sends that secret where it went before. Otherwise whoever may edit a
// configuration but was never shown its secrets (the masking is for them)
// could point the URL at a host of their own, send the masked value back,
// and receive the secret with the next call, and the document images with
// it. So when a destination changes, every secret must come in clear again.
//
// A destination is, at any depth:
//   - a value under a name (normalised as for secrets) ending in url, uri,
//     endpoint, host, hostname, domain, server, api (airAPI), region,
//     bucket, bucketname, account, accountname or projectid, or in the
//     plural of one;
//   - any string that holds "://", whatever its name: vendors' option
//     objects hold URLs under names no list foresees;
//   - the connector's top-level "type", which picks the vendor;
//   - a value kept outside the document (Destination), such as a bucket's
//     name.
//
// Added and removed destinations are changes too: an endpoint added to an
// AWS credential moves it off AWS.

// destinationSuffixes end the names of values that say where secrets go.
var destinationSuffixes = []string{"url", "uri", "endpoint", "host", "hostname", "domain", "server", "api",
	"region", "bucket", "bucketname", "account", "accountname", "projectid"}

// IsDestinationName reports whether a JSON key names where the secrets of
// its document are sent, under the rule above.
func IsDestinationName(key string) bool {
	n := normaliseName(key)
	for _, s := range destinationSuffixes {
		if strings.HasSuffix(n, s) || strings.HasSuffix(n, s+"s") {
			return true
		}
	}
	return false
}

// Destination is a value that decides where a document's secrets go but is
// kept beside the document, such as a bucket's name.
type Destination struct {
	Field    string // as error messages name it
	Old, New string
}

// restore checks the destinations of n against stored and then restores the
// masked secrets of n (restoreSecrets). path names n in error messages.
//
// Destinations are compared once restored: a URL under a secret name is
// masked when read, and comes back masked when it did not change.
func restore(n, stored *jsonNode, path string, outside []Destination) error {
	masked := firstMasked(n, false, path)
	if err := restoreSecrets(n, stored, false, path); err != nil {
		return err
	}
	if masked == "" || stored == nil {
		return nil
	}
	if field := changedDestination(n, stored, path, outside); field != "" {
		return idproof.Errorf(idproof.EINVALID, "%s is a masked value, but %s changed: a stored secret is only kept for the destination it was given for; send the secret itself", masked, field)
	}
	return nil
}

// changedDestination returns the path of the first destination that differs
// between n and stored, or "".
func changedDestination(n, stored *jsonNode, path string, outside []Destination) string {
	for _, d := range outside {
		if d.Old != d.New {
			return d.Field
		}
	}
	var now, before []destination
	n.destinations(path, true, &now)
	stored.destinations(path, true, &before)
	was := map[string]string{}
	for _, d := range before {
		was[d.path] = d.value
	}
	for _, d := range now {
		if v, ok := was[d.path]; !ok || v != d.value {
			return d.path
		}
		delete(was, d.path)
	}
	for _, d := range before { // removed ones, in the stored order
		if _, ok := was[d.path]; ok {
			return d.path
		}
	}
	return ""
}

type destination struct{ path, value string }

// destinations appends the destinations of n, in document order. root says
// whether n is the document itself.
func (n *jsonNode) destinations(path string, root bool, out *[]destination) {
	switch n.kind {
	case '"':
		if strings.Contains(n.str, "://") {
			*out = append(*out, destination{path, n.str})
		}
	case '{':
		for i, c := range n.elems {
			k, p := n.keys[i], path+"."+n.keys[i]
			if IsDestinationName(k) || (root && k == "type") {
				*out = append(*out, destination{p, string(c.encode())})
				continue
			}
			c.destinations(p, false, out)
		}
	case '[':
		for i, c := range n.elems {
			c.destinations(path+"["+strconv.Itoa(i)+"]", false, out)
		}
	}
}

// firstMasked returns the path of the first masked secret of n, or "".
func firstMasked(n *jsonNode, secret bool, path string) string {
	switch n.kind {
	case '"':
		if secret && looksMasked(n.str) {
			return path
		}
	case '{':
		for i, c := range n.elems {
			if p := firstMasked(c, secret || IsSecretName(n.keys[i]), path+"."+n.keys[i]); p != "" {
				return p
			}
		}
	case '[':
		for i, c := range n.elems {
			if p := firstMasked(c, secret, path+"["+strconv.Itoa(i)+"]"); p != "" {
				return p
			}
		}
	}
	return ""
}
