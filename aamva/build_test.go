package aamva

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// elementsOf returns the elements of a subfile in the form Build takes.
func elementsOf(sf *Subfile) [][2]string {
	var out [][2]string
	for _, e := range sf.Ordered {
		out = append(out, [2]string{e.ID, e.Value})
	}
	return out
}

// rawSubfiles splits a conforming payload by its designators, keeping
// values byte for byte (the parser trims padding).
func rawSubfiles(t *testing.T, payload string) (types []string, subfiles [][][2]string) {
	t.Helper()
	h, err := parseHeader([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range h.designators {
		body := payload[d.offset+2 : d.offset+d.length-1]
		var elems [][2]string
		for e := range strings.SplitSeq(body, "\n") {
			elems = append(elems, [2]string{e[:3], e[3:]})
		}
		types = append(types, d.typ)
		subfiles = append(subfiles, elems)
	}
	return types, subfiles
}

// TestBuildReproducesPayloads checks Build's offsets and lengths against
// payloads whose designators were worked out independently, including the
// sample printed in the standard.
func TestBuildReproducesPayloads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, payload string
		version       int
		iin           string
		jurVersion    string // as the payload writes it; Build writes "00"
	}{
		{"v10 sample", sample, 10, "636000", "01"},
		{"v1", payloadV1, 1, "636018", ""},
		{"v3", payloadV3, 3, "636026", "01"},
		{"v8", payloadV8, 8, "636010", "03"},
		{"canada", payloadCanada, 8, "636012", "00"},
		{"id card", payloadIDCard, 9, "636001", "01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			types, subfiles := rawSubfiles(t, tt.payload)
			var jur [][2]string
			if len(subfiles) > 1 {
				jur = subfiles[1]
			}
			got := string(Build(tt.version, tt.iin, types[0], subfiles[0], jur))
			want := tt.payload
			if tt.jurVersion != "" {
				i := len("@\n\x1e\rANSI 636000nn")
				want = want[:i] + "00" + want[i+2:]
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Build (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuildParsesBack(t *testing.T) {
	t.Parallel()
	elems := [][2]string{
		{"DAQ", "S123-456-78-901-0"},
		{"DCS", "O'NEIL-SMITH"},
		{"DAC", "ANNE MARIE"},
		{"DAD", "NONE"},
		{"DBB", "02291996"},
		{"DBA", "02282031"},
		{"DBC", "2"},
		{"DCG", "USA"},
	}
	for _, version := range []int{1, 2, 5, 10, 11, 99} {
		for _, docType := range []string{"DL", "ID"} {
			payload := Build(version, "636045", docType, elems, [][2]string{{"ZWA", "X"}, {"ZWB", ""}})
			r := mustParse(t, string(payload))
			for _, w := range r.Warnings() {
				// Version 1 dates are year first; these fall back.
				if version != 1 || !strings.Contains(w, "expected CCYYMMDD order") {
					t.Errorf("v%d %s: warning %q", version, docType, w)
				}
			}
			if r.Version != version || r.DocumentType != docType || r.Issuer != "WA" {
				t.Errorf("v%d %s: got version %d type %q issuer %q", version, docType, r.Version, r.DocumentType, r.Issuer)
			}
			if diff := cmp.Diff(elems, elementsOf(r.Subfile(docType))); diff != "" {
				t.Errorf("v%d %s elements (-want +got):\n%s", version, docType, diff)
			}
			if zw := r.Subfile("ZW"); zw == nil || zw.Elements["ZWA"] != "X" || len(zw.Ordered) != 2 {
				t.Errorf("v%d %s: ZW subfile %+v", version, docType, zw)
			}
			if r.BirthDate != (Date{Year: 1996, Month: 2, Day: 29}) || r.ExpiryDate != (Date{Year: 2031, Month: 2, Day: 28}) {
				t.Errorf("v%d %s: dates %v %v", version, docType, r.BirthDate, r.ExpiryDate)
			}
		}
	}
}

func TestBuildWithoutJurisdictionSubfile(t *testing.T) {
	t.Parallel()
	got := string(Build(10, "636000", "DL", [][2]string{{"DAQ", "1"}}, nil))
	want := "@\n\x1e\rANSI 636000100001DL00310007DLDAQ1\r"
	if got != want {
		t.Errorf("Build = %q, want %q", got, want)
	}
}

func TestBuildPanicsOnBadInput(t *testing.T) {
	t.Parallel()
	ok := [][2]string{{"DAQ", "1"}}
	for name, f := range map[string]func(){
		"version 0":         func() { Build(0, "636000", "DL", ok, nil) },
		"version 100":       func() { Build(100, "636000", "DL", ok, nil) },
		"short IIN":         func() { Build(10, "63600", "DL", ok, nil) },
		"letters in IIN":    func() { Build(10, "63600A", "DL", ok, nil) },
		"bad subfile type":  func() { Build(10, "636000", "dl", ok, nil) },
		"bad element ID":    func() { Build(10, "636000", "DL", [][2]string{{"DA", "1"}}, nil) },
		"separator":         func() { Build(10, "636000", "DL", [][2]string{{"DAQ", "1\n2"}}, nil) },
		"bad jurisdiction":  func() { Build(10, "636000", "DL", ok, [][2]string{{"z", "1"}}) },
		"too long for 9999": func() { Build(10, "636000", "DL", [][2]string{{"DAQ", strings.Repeat("1", 10000)}}, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
