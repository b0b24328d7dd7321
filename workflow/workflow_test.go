package workflow_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/workflow"
)

var page = base64.StdEncoding.EncodeToString([]byte("<p>hi</p>"))

func TestParse(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    []workflow.Step
		wantErr string
	}{
		{name: "array", in: `[{"name":"a","type":"HTML","html":"` + page + `","actions":[{"name":"go","on":"click","jumpTo":"b","call":"x","script":"s()"}],"params":[{"name":"p","field":"f"}]},{"name":"b","type":"PROCESSING"}]`,
			want: []workflow.Step{
				{Name: "a", Type: "HTML", HTML: page, Actions: []workflow.Action{{Name: "go", On: "click", JumpTo: "b", Call: "x", Script: "s()"}}, Params: []workflow.Param{{Name: "p", Field: "f"}}},
				{Name: "b", Type: "PROCESSING"},
			}},
		{name: "single step and single action/param objects", in: `{"name":"a","type":"HTML","html":"` + page + `","params":{"name":"p","field":"f"},"actions":{"name":"n","on":"o","jumpTo":"a","call":"c"}}`,
			want: []workflow.Step{{Name: "a", Type: "HTML", HTML: page, Actions: []workflow.Action{{Name: "n", On: "o", JumpTo: "a", Call: "c"}}, Params: []workflow.Param{{Name: "p", Field: "f"}}}}},
		{name: "nulls as in the document", in: `[{"name":"a","html":"` + page + `","type":"HTML","actions":[{"name":null,"on":null,"call":null,"jumpTo":null,"script":null}],"params":[{"name":null,"field":null}]}]`,
			want: []workflow.Step{{Name: "a", Type: "HTML", HTML: page, Actions: []workflow.Action{{}}, Params: []workflow.Param{{}}}}},
		{name: "raw html is encoded", in: `[{"name":"a","type":"HTML","html":"<div>hello</div>"}]`,
			want: []workflow.Step{{Name: "a", Type: "HTML", HTML: base64.StdEncoding.EncodeToString([]byte("<div>hello</div>"))}}},
		{name: "the document's placeholder html is a page too", in: `[{"name":"a","type":"HTML","html":"base64"}]`,
			want: []workflow.Step{{Name: "a", Type: "HTML", HTML: base64.StdEncoding.EncodeToString([]byte("base64"))}}},
		{name: "null lists", in: `[{"name":"a","type":"PROCESSING","actions":null,"params":null}]`,
			want: []workflow.Step{{Name: "a", Type: "PROCESSING"}}},
		{name: "missing", in: ``, wantErr: "workflow is required"},
		{name: "null", in: `null`, wantErr: "workflow is required"},
		{name: "string", in: `"steps"`, wantErr: "array of steps"},
		{name: "too many", in: "[" + strings.Repeat(`{},`, workflow.MaxSteps) + "{}]", wantErr: "at most 50"},
		{name: "wrong field type", in: `[{"name":"a"},{"name":5}]`, wantErr: "workflow[1]: name must be a string, not number"},
		{name: "wrong list type", in: `[{"name":"a","actions":5}]`, wantErr: "workflow[0]: actions"},
		{name: "step not an object", in: `[{"name":"a"}, 7]`, wantErr: "workflow[1]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := workflow.Parse([]byte(c.in))
			if c.wantErr != "" {
				if err == nil || idproof.ErrorCode(err) != idproof.EINVALID || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want EINVALID containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(c.want)
			if string(gb) != string(wb) {
				t.Fatalf("got  %s\nwant %s", gb, wb)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := func() []workflow.Step {
		return []workflow.Step{
			{Name: "start", Type: "HTML", HTML: page, Actions: []workflow.Action{{Name: "go", On: "click", JumpTo: "end"}}},
			{Name: "front", Type: "CAPTURE_FRONT"},
			{Name: "end", Type: "PROCESSING", HTML: page},
		}
	}
	big := base64.StdEncoding.EncodeToString(make([]byte, workflow.MaxHTMLBytes+1))
	cases := []struct {
		name    string
		edit    func(s []workflow.Step) []workflow.Step
		wantErr string // "" = valid
	}{
		{name: "valid", edit: func(s []workflow.Step) []workflow.Step { return s }},
		{name: "empty", edit: func([]workflow.Step) []workflow.Step { return nil }, wantErr: "at least one step"},
		{name: "too many steps", edit: func([]workflow.Step) []workflow.Step {
			s := make([]workflow.Step, workflow.MaxSteps+1)
			for i := range s {
				s[i] = workflow.Step{Name: string(rune('a' + i%26)), Type: "PROCESSING"}
			}
			return s
		}, wantErr: "at most 50"},
		{name: "missing name", edit: func(s []workflow.Step) []workflow.Step { s[1].Name = " "; return s }, wantErr: "workflow[1].name is required"},
		{name: "duplicate name", edit: func(s []workflow.Step) []workflow.Step { s[2].Name = "start"; return s }, wantErr: `workflow[2].name "start" is already the name of workflow[0]`},
		{name: "missing type", edit: func(s []workflow.Step) []workflow.Step { s[1].Type = ""; return s }, wantErr: "workflow[1].type is required"},
		{name: "bad type", edit: func(s []workflow.Step) []workflow.Step { s[1].Type = "VIDEO"; return s }, wantErr: `workflow[1].type "VIDEO" is not one of HTML`},
		{name: "lower-case type", edit: func(s []workflow.Step) []workflow.Step { s[0].Type = "html"; return s }, wantErr: "workflow[0].type"},
		{name: "html step without html", edit: func(s []workflow.Step) []workflow.Step { s[0].HTML = ""; return s }, wantErr: "workflow[0].html is required"},
		{name: "html not base64", edit: func(s []workflow.Step) []workflow.Step { s[0].HTML = "<div>hello</div>"; return s }, wantErr: "workflow[0].html is not valid standard base64"},
		{name: "url-safe base64", edit: func(s []workflow.Step) []workflow.Step { s[0].HTML = "Pz8_"; return s }, wantErr: "workflow[0].html is not valid"},
		{name: "capture html not base64", edit: func(s []workflow.Step) []workflow.Step { s[1].HTML = "!!"; return s }, wantErr: "workflow[1].html"},
		{name: "html too large", edit: func(s []workflow.Step) []workflow.Step { s[1].HTML = big; return s }, wantErr: "workflow[1].html is larger than"},
		{name: "jumpTo naming no step is kept", edit: func(s []workflow.Step) []workflow.Step { s[0].Actions[0].JumpTo = "done"; return s }},
		{name: "jumpTo backwards", edit: func(s []workflow.Step) []workflow.Step {
			s[2].Actions = []workflow.Action{{JumpTo: "start"}}
			return s
		}},
		{name: "too many actions", edit: func(s []workflow.Step) []workflow.Step {
			s[1].Actions = make([]workflow.Action, workflow.MaxActions+1)
			return s
		}, wantErr: "workflow[1].actions has 21 entries"},
		{name: "long action name", edit: func(s []workflow.Step) []workflow.Step {
			s[0].Actions[0].On = strings.Repeat("x", workflow.MaxNameLen+1)
			return s
		}, wantErr: "workflow[0].actions[0].on is longer"},
		{name: "control character in param", edit: func(s []workflow.Step) []workflow.Step {
			s[2].Params = []workflow.Param{{Name: "a", Field: "x\x00"}}
			return s
		}, wantErr: "workflow[2].params[0].field contains control characters"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := workflow.Validate(c.edit(ok()))
			if c.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || idproof.ErrorCode(err) != idproof.EINVALID || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("err = %v, want EINVALID containing %q", err, c.wantErr)
			}
		})
	}
}

func TestDefault(t *testing.T) {
	want := map[string][]string{
		idproof.DocDriversLicense: {"HTML", "CAPTURE_FRONT", "CAPTURE_BACK", "CAPTURE_SELFIE", "PROCESSING"},
		idproof.DocIDCard:         {"HTML", "CAPTURE_FRONT", "CAPTURE_BACK", "CAPTURE_SELFIE", "PROCESSING"},
		idproof.DocPassport:       {"HTML", "CAPTURE_FRONT", "CAPTURE_SELFIE", "PROCESSING"},
		"":                        {"HTML", "CAPTURE_FRONT", "CAPTURE_BACK", "CAPTURE_SELFIE", "PROCESSING"},
	}
	for doc, types := range want {
		steps := workflow.Default(doc)
		if err := workflow.Validate(steps); err != nil {
			t.Fatalf("%s: default does not validate: %v", doc, err)
		}
		var got []string
		for _, s := range steps {
			got = append(got, s.Type)
		}
		if strings.Join(got, ",") != strings.Join(types, ",") {
			t.Errorf("%s: types %v, want %v", doc, got, types)
		}
		// Every step but the last leads to the next one.
		for i := 0; i < len(steps)-1; i++ {
			if steps[i].Actions[0].JumpTo != steps[i+1].Name {
				t.Errorf("%s: step %d jumps to %q, want %q", doc, i, steps[i].Actions[0].JumpTo, steps[i+1].Name)
			}
		}
		html, _ := base64.StdEncoding.DecodeString(steps[0].HTML)
		if !strings.Contains(string(html), `data-action="agree"`) {
			t.Errorf("%s: consent page %q", doc, html)
		}
		// Served JSON shows arrays, never null.
		b, _ := json.Marshal(steps)
		if strings.Contains(string(b), "null") {
			t.Errorf("%s: %s", doc, b)
		}
	}
	a, b := workflow.Default(idproof.DocPassport), workflow.Default(idproof.DocPassport)
	a[0].Name = "changed"
	if b[0].Name == "changed" {
		t.Fatal("Default shares its steps between calls")
	}
}

// FuzzValidate feeds arbitrary bytes through Parse and Validate: neither
// may panic, and every failure must be EINVALID.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		`[{"name":"a","type":"HTML","html":"` + page + `","actions":[{"jumpTo":"a"}]}]`,
		`{"name":"a","type":"HTML","html":"` + page + `","params":{"name":"p"},"actions":{"jumpTo":"b"}}`,
		`[{"name":null,"actions":[{"name":null}],"params":[null]}, null]`,
		`[{"name":"a","type":"CAPTURE_FRONT","html":"=="}]`,
		`[]`, `null`, `{`, `"x"`, `[1]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		steps, err := workflow.Parse(b)
		if err != nil {
			if idproof.ErrorCode(err) != idproof.EINVALID {
				t.Fatalf("Parse error %v is not EINVALID", err)
			}
			return
		}
		if err := workflow.Validate(steps); err != nil && idproof.ErrorCode(err) != idproof.EINVALID {
			t.Fatalf("Validate error %v is not EINVALID", err)
		}
		// Also the raw form a handler might see, without Parse.
		var direct []workflow.Step
		if json.Unmarshal(b, &direct) == nil {
			_ = workflow.Validate(direct)
		}
	})
}
