package docimage

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idproof/idproof/internal/zxingtest"
	xdraw "golang.org/x/image/draw"
)

// needTool skips the test when an external test-image tool is missing,
// except on CI, where a missing tool means the CI image is wrong.
func needTool(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s unavailable on CI: %v", what, err)
	}
	t.Skipf("%s unavailable: %v", what, err)
}

// pigoSample returns the portrait photo that ships in the pigo module's
// testdata (320×400, one face), read from the module cache.
func pigoSample(t testing.TB) image.Image {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/esimov/pigo").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		needTool(t, "the pigo module directory", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "testdata", "sample.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// zxing renders text as a barcode with Debian's ZXingWriter (package
// zxing-cpp-tools). size is "WxH" or "" for the tool's default (one pixel
// per module). The tool adds a 10 px quiet zone.
func zxing(t testing.TB, format, text, size string) image.Image {
	t.Helper()
	var opts []string
	if size != "" {
		opts = append(opts, "-size", size)
	}
	return zxingtest.Write(t, format, text, opts...)
}

func scaleTo(img image.Image, w, h int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(out, out.Bounds(), img, img.Bounds(), xdraw.Src, nil)
	return out
}

// jpegRoundTrip returns img as a camera would deliver it: JPEG-compressed
// and decoded to YCbCr.
func jpegRoundTrip(t testing.TB, img image.Image, quality int) image.Image {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func rotate180(img image.Image) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			out.Set(b.Dx()-1-x, b.Dy()-1-y, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}

// sideBySide places a and b next to each other on one canvas.
func sideBySide(a, b image.Image) *image.RGBA {
	ab, bb := a.Bounds(), b.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, ab.Dx()+bb.Dx(), max(ab.Dy(), bb.Dy())))
	draw.Draw(out, ab.Sub(ab.Min), a, ab.Min, draw.Src)
	draw.Draw(out, bb.Sub(bb.Min).Add(image.Pt(ab.Dx(), 0)), b, bb.Min, draw.Src)
	return out
}
