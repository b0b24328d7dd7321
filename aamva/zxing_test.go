package aamva

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/idproof/idproof/internal/zxingtest"
)

// TestPDF417RoundTrip prints payloads as PDF417 images and reads them back,
// proving that what the parser sees from a real decoder is byte for byte
// what was encoded, control characters and padding included.
func TestPDF417RoundTrip(t *testing.T) {
	t.Parallel()
	writer, reader := zxingtest.Tools(t)
	for name, payload := range map[string]string{
		"v10 sample": sample,
		"v1":         payloadV1,
		"canada":     payloadCanada,
		"v8":         payloadV8,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			png := filepath.Join(t.TempDir(), "barcode.png")
			// The payload goes in as an argument: it is ASCII, and
			// exec passes control characters through untouched.
			if out, err := exec.CommandContext(ctx, writer, "PDF417", payload, png).CombinedOutput(); err != nil {
				t.Fatalf("ZXingWriter: %v\n%s", err, out)
			}
			var stderr bytes.Buffer
			cmd := exec.CommandContext(ctx, reader, "-format", "PDF417", "-bytes", png)
			cmd.Stderr = &stderr
			got, err := cmd.Output()
			if err != nil {
				t.Fatalf("ZXingReader: %v\n%s", err, stderr.Bytes())
			}
			if diff := cmp.Diff(payload, string(got)); diff != "" {
				t.Fatalf("decoded bytes differ (-encoded +decoded):\n%s", diff)
			}
			want, err := Parse([]byte(payload))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, r, cmp.AllowUnexported(Result{})); diff != "" {
				t.Errorf("parse of decoded payload (-want +got):\n%s", diff)
			}
			if !r.Valid() {
				t.Errorf("decoded payload not valid: %q", r.Errors())
			}
			if name == "v10 sample" {
				if diff := cmp.Diff(sampleWant, *r, typedOnly); diff != "" {
					t.Errorf("typed fields (-want +got):\n%s", diff)
				}
			}
		})
	}
}
