package tfjs

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
)

// attrValue is TensorFlow's AttrValue in its protobuf JSON form: 64-bit
// integers are strings, byte strings are base64.
type attrValue struct {
	S    *string    `json:"s"`
	I    *jsonInt   `json:"i"`
	F    *float64   `json:"f"`
	B    *bool      `json:"b"`
	Type *string    `json:"type"`
	List *attrList  `json:"list"`
	Shp  *attrShape `json:"shape"`
}

type attrList struct {
	S []string  `json:"s"`
	I []jsonInt `json:"i"`
}

type attrShape struct {
	Dim []struct {
		Size jsonInt `json:"size"`
	} `json:"dim"`
	UnknownRank bool `json:"unknownRank"`
}

// jsonInt accepts an integer written as a JSON number or a string.
type jsonInt int64

func (j *jsonInt) UnmarshalJSON(b []byte) error {
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else {
		s = string(b)
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("bad integer %q", s)
	}
	*j = jsonInt(v)
	return nil
}

// attrs gives typed access to a node's attributes.
type attrs struct {
	node string
	raw  map[string]json.RawMessage
}

func (a attrs) get(key string) (*attrValue, error) {
	raw, ok := a.raw[key]
	if !ok {
		return nil, nil
	}
	var v attrValue
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("tfjs: node %q: attribute %s: %w", a.node, key, err)
	}
	return &v, nil
}

// str returns a string attribute, or def when it is absent.
func (a attrs) str(key, def string) (string, error) {
	v, err := a.get(key)
	if err != nil || v == nil || v.S == nil {
		return def, err
	}
	b, err := base64.StdEncoding.DecodeString(*v.S)
	if err != nil {
		return "", fmt.Errorf("tfjs: node %q: attribute %s is not base64", a.node, key)
	}
	return string(b), nil
}

// strs returns a list-of-strings attribute.
func (a attrs) strs(key string) ([]string, error) {
	v, err := a.get(key)
	if err != nil || v == nil || v.List == nil {
		return nil, err
	}
	out := make([]string, len(v.List.S))
	for i, s := range v.List.S {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("tfjs: node %q: attribute %s is not base64", a.node, key)
		}
		out[i] = string(b)
	}
	return out, nil
}

// ints returns a list-of-integers attribute.
func (a attrs) ints(key string) ([]int, error) {
	v, err := a.get(key)
	if err != nil || v == nil || v.List == nil {
		return nil, err
	}
	out := make([]int, len(v.List.I))
	for i, x := range v.List.I {
		if x < -1<<31 || x > 1<<31-1 {
			return nil, fmt.Errorf("tfjs: node %q: attribute %s out of range", a.node, key)
		}
		out[i] = int(x)
	}
	return out, nil
}

// boolean returns a boolean attribute, false when absent.
func (a attrs) boolean(key string) (bool, error) {
	v, err := a.get(key)
	if err != nil || v == nil || v.B == nil {
		return false, err
	}
	return *v.B, nil
}

// dtype returns a type attribute ("DT_FLOAT"...), or "" when absent.
func (a attrs) dtype(key string) (string, error) {
	v, err := a.get(key)
	if err != nil || v == nil || v.Type == nil {
		return "", err
	}
	return *v.Type, nil
}

// shape returns a shape attribute with -1 for unknown dimensions; ok is
// false when the attribute is absent or of unknown rank.
func (a attrs) shape(key string) (shape []int, ok bool, err error) {
	v, err := a.get(key)
	if err != nil || v == nil || v.Shp == nil || v.Shp.UnknownRank {
		return nil, false, err
	}
	for _, d := range v.Shp.Dim {
		if d.Size < -1 || d.Size > 1<<31-1 {
			return nil, false, fmt.Errorf("tfjs: node %q: bad dimension %d", a.node, d.Size)
		}
		shape = append(shape, int(d.Size))
	}
	return shape, true, nil
}
