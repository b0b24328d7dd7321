package lenient

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Int
		wantErr bool
	}{
		{`30`, Int{30, true}, false},
		{`"30"`, Int{30, true}, false},
		{`" 30 "`, Int{30, true}, false},
		{`30.0`, Int{30, true}, false},
		{`-2`, Int{-2, true}, false},
		{`null`, Int{}, false},
		{`""`, Int{}, false},
		{`30.5`, Int{}, true},
		{`"abc"`, Int{}, true},
		{`true`, Int{}, true},
		{`{}`, Int{}, true},
		{`[]`, Int{}, true},
		{`1e20`, Int{}, true},
	}
	for _, tt := range tests {
		var got struct {
			N Int `json:"n"`
		}
		err := json.Unmarshal([]byte(`{"n":`+tt.in+`}`), &got)
		if (err != nil) != tt.wantErr || got.N != tt.want {
			t.Errorf("%s: got %+v, %v", tt.in, got.N, err)
		}
		if err != nil {
			var te *json.UnmarshalTypeError
			if !errors.As(err, &te) || te.Field != "n" {
				t.Errorf("%s: error %v does not name the field", tt.in, err)
			} else if forms, ok := Expected(te.Type); !ok || !strings.Contains(forms, "whole number") {
				t.Errorf("%s: Expected(%v) = %q", tt.in, te.Type, forms)
			}
		}
	}
}

func TestBool(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Bool
		wantErr bool
	}{
		{`true`, Bool{true, true}, false},
		{`false`, Bool{false, true}, false},
		{`"false"`, Bool{false, true}, false},
		{`"TRUE"`, Bool{true, true}, false},
		{`null`, Bool{}, false},
		{`""`, Bool{}, false},
		{`"yes"`, Bool{}, true},
		{`1`, Bool{}, true},
		{`{}`, Bool{}, true},
	}
	for _, tt := range tests {
		var got Bool
		err := json.Unmarshal([]byte(tt.in), &got)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%s: got %+v, %v", tt.in, got, err)
		}
	}
	b, _ := json.Marshal(struct{ A, B Bool }{Bool{true, true}, Bool{}})
	if string(b) != `{"A":true,"B":null}` {
		t.Errorf("marshal: %s", b)
	}
}

func TestStrings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Strings
		wantErr bool
	}{
		{`"dl_object"`, Strings{"dl_object"}, false},
		{`"dl_object | ppt_object | idcard_object"`, Strings{"dl_object", "ppt_object", "idcard_object"}, false},
		{`["a", "b | c", " "]`, Strings{"a", "b", "c"}, false},
		{`null`, nil, false},
		{`""`, nil, false},
		{`5`, nil, true},
		{`[5]`, nil, true},
	}
	for _, tt := range tests {
		var got Strings
		err := json.Unmarshal([]byte(tt.in), &got)
		if (err != nil) != tt.wantErr || !cmp.Equal(got, tt.want) {
			t.Errorf("%s: got %q, %v", tt.in, got, err)
		}
	}
	if !IsChoiceList("aws | gcp | azure") || IsChoiceList("aws") || IsChoiceList("a |") {
		t.Error("IsChoiceList")
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`30`, `"30"`, `"false"`, `null`, `["a|b"]`, `"x | y"`, `1e400`, `"\u0000"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var i Int
		if json.Unmarshal(b, &i) == nil && i.Set {
			out, err := json.Marshal(i)
			var back Int
			if err != nil || json.Unmarshal(out, &back) != nil || back != i {
				t.Fatalf("Int %q does not round-trip: %s", b, out)
			}
		}
		var v Bool
		_ = json.Unmarshal(b, &v)
		var s Strings
		if json.Unmarshal(b, &s) == nil {
			for _, it := range s {
				if it == "" || strings.Contains(it, "|") || strings.TrimSpace(it) != it {
					t.Fatalf("Strings %q gave item %q", b, it)
				}
			}
		}
	})
}
