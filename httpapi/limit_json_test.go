package httpapi

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/idproof/idproof/proofing"
)

// TestLimitDecodeCopiesNothing: decoding a submission with a large inline
// image allocates its decoded bytes and little else. Decoding through
// strings or json.RawMessage would allocate the body again, once or more.
func TestLimitDecodeCopiesNothing(t *testing.T) {
	const imageB64 = 24 << 20
	body := []byte(`{"document_front":{"images":{"image":"` + strings.Repeat("QUJD", imageB64/4) + `"}}}`)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	plain, err := unwrapBody(body, &caller{})
	if err != nil {
		t.Fatal(err)
	}
	var doc documentBody
	if err := json.Unmarshal(plain, &doc); err != nil {
		t.Fatal(err)
	}
	sub, _, err := doc.DocumentFront.side(proofing.SideFront)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	decoded := uint64(len(sub.Images[0].Inline))
	t.Logf("body %d MiB, image %d MiB, allocated %d MiB", len(body)>>20, decoded>>20, allocated>>20)
	if decoded != imageB64/4*3 {
		t.Fatalf("decoded %d bytes, want %d", decoded, imageB64/4*3)
	}
	if allocated > decoded+decoded/8 {
		t.Errorf("decoding allocated %d MiB for an image of %d MiB", allocated>>20, decoded>>20)
	}
}

// FuzzLimitMembers: the members and elements read in place are those
// encoding/json finds.
func FuzzLimitMembers(f *testing.F) {
	for _, s := range []string{
		`{"data":"x","publicKey":"k"}`, `{"a":{"b":[1,"]}"]},"c":null, "d" : true}`,
		`[1, {"a":"\"}"}, "x\\"]`, `{"k\u0061y":1,"key":2}`, `{}`, `[]`, `"s"`, "{\"\xac\":\"\"}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		if !json.Valid(b) {
			return
		}
		var wantObj map[string]json.RawMessage
		if json.Unmarshal(b, &wantObj) == nil {
			got, ok := members(b, len(b))
			if !ok || len(got) != len(wantObj) {
				t.Fatalf("members %q = %q, %v; want %q", s, got, ok, wantObj)
			}
			for k, v := range wantObj {
				if !bytes.Equal(got[k], v) {
					t.Fatalf("members %q [%q] = %q, want %q", s, k, got[k], v)
				}
			}
		}
		var wantArr []json.RawMessage
		if json.Unmarshal(b, &wantArr) == nil {
			got, ok := elements(b)
			if !ok || len(got) != len(wantArr) {
				t.Fatalf("elements %q = %q, %v; want %q", s, got, ok, wantArr)
			}
			for i := range got {
				if !bytes.Equal(got[i], wantArr[i]) {
					t.Fatalf("elements %q [%d] = %q, want %q", s, i, got[i], wantArr[i])
				}
			}
		}
	})
}

// FuzzLimitDecodeInline: an image read from its JSON string in place
// decodes as proofing.DecodeInline decodes the string.
func FuzzLimitDecodeInline(f *testing.F) {
	for _, s := range []string{"QUJD", "QUI", "QUI=", "data:image/png;base64,QUJD", "data:image\\/png;base64,QUJD", " QUJD\\n", "Q===", "%%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok := []byte(`"` + s + `"`)
		var str string
		if json.Unmarshal(tok, &str) != nil {
			return
		}
		in, ok := decodeInline(tok)
		if !ok {
			t.Fatalf("%s is a string but was not read", tok)
		}
		got, gotErr := in.use("f")
		want, wantErr := proofing.DecodeInline("f", str)
		if (gotErr == nil) != (wantErr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("%s: %x %v; DecodeInline: %x %v", tok, got, gotErr, want, wantErr)
		}
	})
}
