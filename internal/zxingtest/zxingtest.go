// Package zxingtest runs Debian's ZXing command-line tools (package
// zxing-cpp-tools) for tests that print barcodes or read them with an
// independent decoder. Without the tools a test is skipped, except under
// CI=true, where a missing tool must fail rather than pass silently.
package zxingtest

import (
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Tools returns the paths of ZXingWriter and ZXingReader.
func Tools(t testing.TB) (writer, reader string) {
	t.Helper()
	w, errW := exec.LookPath("ZXingWriter")
	r, errR := exec.LookPath("ZXingReader")
	if errW != nil || errR != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ZXingWriter/ZXingReader not found; CI must run: apt-get install -y zxing-cpp-tools")
		}
		t.Skip("ZXingWriter/ZXingReader not installed (apt-get install zxing-cpp-tools)")
	}
	return w, r
}

// Write prints text as a barcode of format (PDF417, QRCode, ...) with
// ZXingWriter and returns the image. opts go before the format, such as
// "-size", "900x300" or "-ecc", "5"; the tool adds a quiet zone.
func Write(t testing.TB, format, text string, opts ...string) image.Image {
	t.Helper()
	writer, _ := Tools(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "code.png")
	args := append(append([]string{}, opts...), format, text, out)
	if b, err := exec.CommandContext(ctx, writer, args...).CombinedOutput(); err != nil {
		t.Fatalf("ZXingWriter %s: %v: %s", format, err, b)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}
