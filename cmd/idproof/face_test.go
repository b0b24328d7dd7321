package main

import (
	"context"
	"encoding/json"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idproof/idproof/face/facetest"
)

// faceCommand runs idproof face with args and returns what it printed.
func faceCommand(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out strings.Builder
	err := run(context.Background(), append([]string{"face"}, args...), &out, io.Discard)
	return out.String(), err
}

func TestFaceCompareCommand(t *testing.T) {
	t.Parallel()
	photo := func(name string) string { return filepath.Join(facetest.PhotoDir(), name) }
	type side struct {
		File  string
		Width int
		Face  struct {
			Score     float64
			Box       [4]float64
			Keypoints map[string]struct{ X, Y float64 }
		}
	}
	var got struct {
		A, B      side
		Distance  float64
		Threshold float64
		Match     bool
	}
	out, err := faceCommand(t, "compare", photo("obama.jpg"), photo("obama2.jpg"))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	a := got.A.Face
	if !got.Match || got.Distance <= 0 || got.Distance >= got.Threshold || got.Threshold != 0.5 ||
		got.A.Width != 910 || a.Score < 0.7 || a.Box[2] <= a.Box[0] || len(a.Keypoints) != 6 ||
		a.Keypoints["leftEye"].X >= a.Keypoints["rightEye"].X {
		t.Errorf("output:\n%s", out)
	}

	// Another person: the JSON, then a failure that says so.
	out, err = faceCommand(t, "compare", "-threshold", "0.6", photo("obama.jpg"), photo("biden2.jpg"))
	if err == nil || !strings.Contains(err.Error(), "do not match") || exitCode(err) != 1 {
		t.Errorf("another person: %v", err)
	}
	if json.Unmarshal([]byte(out), &got) != nil || got.Match || got.Threshold != 0.6 {
		t.Errorf("another person: %s", out)
	}
}

func TestFaceCompareMissingFace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blank := filepath.Join(dir, "blank.png")
	if err := os.WriteFile(blank, facetest.PNG(image.NewGray(image.Rect(0, 0, 320, 240))), 0o600); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("not a photo"), 0o600); err != nil {
		t.Fatal(err)
	}
	photo := func(name string) string { return filepath.Join(facetest.PhotoDir(), name) }
	for _, tc := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"compare", photo("obama.jpg"), blank}, "blank.png: no face found", 1},
		{[]string{"compare", photo("two_people.jpg"), photo("obama.jpg")}, "two_people.jpg: 2 faces found; exactly one is expected", 1},
		{[]string{"compare", text, photo("obama.jpg")}, "notes.txt: face: not a JPEG, PNG or WebP image", 1},
		{[]string{"compare", filepath.Join(dir, "missing.jpg"), photo("obama.jpg")}, "no such file", 1},
		{[]string{"compare", photo("obama.jpg")}, "two image files", 2},
		{[]string{"match"}, "compare", 2},
		{nil, "compare", 2},
	} {
		out, err := faceCommand(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(err) != tc.code || out != "" {
			t.Errorf("%q: %v (exit %d), output %q; want %q, exit %d", tc.args, err, exitCode(err), out, tc.want, tc.code)
		}
	}
}
