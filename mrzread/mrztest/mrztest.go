// Package mrztest draws synthetic identity documents with a machine readable
// zone, for tests of the MRZ reader and of anything that consumes document
// images.
//
// The MRZ is drawn in OCR-B from the public-domain fonts of the Tsukurimashou
// project by Matthew Skala (Debian package fonts-ocr-b; its glyph sources by
// Norbert Schwarz may be "freely used, modified and/or distributed, without
// limitation"). The font is not vendored: FontPath finds an installed copy and
// tests call Require, which skips when it is missing unless CI=true.
package mrztest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// FontEnv names the environment variable that may point at OCRB.otf.
const FontEnv = "IDPROOF_OCRB_FONT"

// FontPath returns the path of an installed OCR-B font, or "" when none is
// found. It looks at $IDPROOF_OCRB_FONT, then the files of the Debian package
// fonts-ocr-b, then common font directories.
func FontPath() string { return fontPath() }

var fontPath = sync.OnceValue(func() string {
	if p := os.Getenv(FontEnv); p != "" {
		if isFile(p) {
			return p
		}
		return ""
	}
	if out, err := exec.Command("dpkg", "-L", "fonts-ocr-b").Output(); err == nil {
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasSuffix(line, "/OCRB.otf") && isFile(line) {
				return line
			}
		}
	}
	candidates := []string{
		"/usr/share/fonts/opentype/ocr-b/OCRB.otf",
		"/usr/share/fonts/OTF/OCRB.otf",
		"/usr/share/fonts/ocr-b/OCRB.otf",
		"/usr/local/share/fonts/OCRB.otf",
		"/opt/homebrew/share/fonts/OCRB.otf",
	}
	if home, err := os.UserHomeDir(); err == nil {
		candidates = append(candidates,
			filepath.Join(home, ".local/share/fonts/OCRB.otf"),
			filepath.Join(home, "Library/Fonts/OCRB.otf"))
	}
	for _, p := range candidates {
		if isFile(p) {
			return p
		}
	}
	return ""
})

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// Require returns the OCR-B font path. When there is none it skips the test,
// or fails it when CI=true, so a CI image that lacks the package is noticed
// instead of silently testing nothing.
func Require(t testing.TB) string {
	t.Helper()
	p := FontPath()
	if p != "" {
		return p
	}
	msg := "OCR-B font not found: apt-get install fonts-ocr-b, or set " + FontEnv
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

var fonts sync.Map // path → *fontResult

type fontResult struct {
	once sync.Once
	f    *Font
	err  error
}

// loadCached parses each font file once per process.
func loadCached(path string) *fontResult {
	v, _ := fonts.LoadOrStore(path, &fontResult{})
	r := v.(*fontResult)
	r.once.Do(func() { r.f, r.err = LoadFont(path) })
	return r
}
