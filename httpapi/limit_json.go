package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/idproof/idproof"
)

// The functions here read request bodies of up to tens of MiB without
// copying them: the members of an object are slices of the body, and an
// inline image is decoded from its JSON string straight into its bytes.
// Decoding into json.RawMessage or string would hold each large value
// twice or three times.

// members returns the members of the JSON object b, stopping once it has
// more than n distinct keys; ok is false when b is not an object. b must
// be valid JSON (json.Valid).
func members(b []byte, n int) (m map[string][]byte, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	m = map[string][]byte{}
	for i++; ; {
		i = skipSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		if i >= len(b) || b[i] != '"' {
			return m, true // '}'
		}
		end := skipString(b, i)
		key, ok := jsonString(b[i:end])
		if !ok {
			return m, true
		}
		i = skipSpace(b, end) + 1 // ':'
		i = skipSpace(b, i)
		vend := skipValue(b, i)
		m[key] = b[i:vend]
		if len(m) > n {
			return m, true
		}
		i = vend
	}
}

// elements returns the elements of the JSON array b as slices of it; ok
// is false when b is not an array. b must be valid JSON.
func elements(b []byte) (out [][]byte, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, false
	}
	for i++; ; {
		i = skipSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		if i >= len(b) || b[i] == ']' {
			return out, true
		}
		end := skipValue(b, i)
		out = append(out, b[i:end])
		i = end
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string that starts at b[i].
func skipString(b []byte, i int) int {
	for j := i + 1; ; {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return len(b)
		}
		q := j + k
		escapes := 0
		for p := q - 1; p > i && b[p] == '\\'; p-- {
			escapes++
		}
		if escapes%2 == 0 {
			return q + 1
		}
		j = q + 1
	}
}

// skipValue returns the index after the value that starts at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); {
			switch b[j] {
			case '"':
				j = skipString(b, j)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
			j++
		}
		return len(b)
	}
	j := i
	for j < len(b) && bytes.IndexByte([]byte(",}] \t\r\n"), b[j]) < 0 {
		j++
	}
	return j
}

// jsonString reads a JSON string token; ok is false when tok is not one.
func jsonString(tok []byte) (string, bool) {
	if len(tok) < 2 || tok[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(tok, '\\') < 0 && utf8.Valid(tok) {
		return string(tok[1 : len(tok)-1]), true
	}
	var s string
	return s, json.Unmarshal(tok, &s) == nil
}

// inline is an image sent inline: its bytes, or why they could not be
// read. The error waits until the image is used, so that an image the
// side has no place for is ignored however it is written.
type inline struct {
	data []byte
	bad  bool
}

// decodeInline reads a JSON string of base64 (optionally a data: URL) into
// its bytes, as proofing.DecodeInline does, without first making it a Go
// string. ok is false when tok is not a string.
func decodeInline(tok []byte) (in inline, ok bool) {
	if len(tok) < 2 || tok[0] != '"' {
		return in, false
	}
	v := tok[1 : len(tok)-1]
	if bytes.IndexByte(v, '\\') >= 0 {
		// JSON escapes (a "\/" of a data URL, a "\n" of wrapped base64):
		// rare enough to take the long way.
		s, ok := jsonString(tok)
		if !ok {
			return in, false
		}
		v = []byte(s)
	}
	if i := bytes.Index(v, []byte(";base64,")); bytes.HasPrefix(v, []byte("data:")) && i > 0 {
		v = v[i+len(";base64,"):]
	}
	v = bytes.TrimSpace(v)
	// The unpadded length is the larger: it fits either decoding.
	in.data = make([]byte, base64.RawStdEncoding.DecodedLen(len(v)))
	n, err := base64.StdEncoding.Decode(in.data, v)
	if err != nil {
		v = bytes.TrimRight(v, "=")
		n, err = base64.RawStdEncoding.Decode(in.data, v)
	}
	in.data, in.bad = in.data[:n], err != nil
	if in.bad {
		in.data = nil
	}
	return in, true
}

// use returns the image's bytes, or the API's error for field.
func (in inline) use(field string) ([]byte, error) {
	if in.bad {
		return nil, errorf(idproof.EINVALID, "%s is not base64", field)
	}
	return in.data, nil
}

// inlineList is a JSON array of inline images.
type inlineList []inline

func (l *inlineList) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*l = nil
		return nil
	}
	items, ok := elements(b)
	if !ok {
		return fmt.Errorf("must be an array of base64 strings")
	}
	out := make(inlineList, len(items))
	for i, it := range items {
		if out[i], ok = decodeInline(it); !ok {
			return fmt.Errorf("[%d] must be a base64 string", i)
		}
	}
	*l = out
	return nil
}
