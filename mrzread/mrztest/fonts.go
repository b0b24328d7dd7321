package mrztest

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"golang.org/x/image/font/gofont/gomono"
)

// Typeface is a monospaced font that a test corpus draws MRZs in. Real zones
// are printed in OCR-B, but not all issuers' OCR-B is the same, so the reader
// is also measured on sans and slab monospaced faces that differ from it in
// stroke weight and detail.
type Typeface struct {
	// Name is the font's own name, e.g. "DejaVu Sans Mono".
	Name string
	// Debian is the package that installs it, "" for a font embedded in a
	// Go module.
	Debian string
	load   func() (*Font, error)
}

// Load parses the font once per process.
func (tf Typeface) Load() (*Font, error) { return tf.load() }

// Typefaces lists the corpus fonts: OCR-B first, then the others, closest
// to it first.
var Typefaces = []Typeface{
	{Name: "OCR-B", Debian: "fonts-ocr-b", load: func() (*Font, error) {
		p := FontPath()
		if p == "" {
			return nil, os.ErrNotExist
		}
		r := loadCached(p)
		return r.f, r.err
	}},
	{Name: "DejaVu Sans Mono", Debian: "fonts-dejavu-core", load: fileFont("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")},
	{Name: "Liberation Mono", Debian: "fonts-liberation", load: fileFont("/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf")},
	{Name: "Go Mono", load: sync.OnceValues(func() (*Font, error) { return ParseFont(gomono.TTF) })},
	{Name: "FreeMono", Debian: "fonts-freefont-ttf", load: fileFont("/usr/share/fonts/truetype/freefont/FreeMono.ttf")},
}

func fileFont(path string) func() (*Font, error) {
	return func() (*Font, error) {
		r := loadCached(path)
		return r.f, r.err
	}
}

// RequireTypeface loads tf, skipping the test when the font is not
// installed, or failing it when CI=true, where its package must be.
func RequireTypeface(t testing.TB, tf Typeface) *Font {
	t.Helper()
	f, err := tf.Load()
	if err == nil {
		return f
	}
	msg := fmt.Sprintf("%s: %v (apt-get install %s)", tf.Name, err, tf.Debian)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return nil
}
