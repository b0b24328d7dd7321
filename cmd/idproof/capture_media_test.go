package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg" // the portrait
	"os"
	"path/filepath"
	"strings"
	"testing"

	xdraw "golang.org/x/image/draw"

	"github.com/idproof/idproof/mrz"
	"github.com/idproof/idproof/mrzread/mrztest"
)

// A camera for the browser: Chromium's fake capture device plays a
// YUV4MPEG2 file (--use-file-for-fake-video-capture) in a loop, and the
// page takes its pictures from it as from a real camera.
//
// One fake device serves both facing modes, so a single video cannot show
// the document to the document steps and a face to the selfie step unless
// its timing matched the page's. Instead the test changes what the camera
// films between steps: the page stops the camera when a picture is taken
// (every track ended, so Chromium closes the device) and opens it again on
// the next capture screen, and Chromium reads the file anew each time it
// opens the device. fakeCamera.film replaces the file (a new file renamed
// over the old one, so a device still reading keeps the old one whole)
// while the review screen is shown, when no camera is open. Restarting the
// browser per step would lose the tab, and with it the session's key.

// Frame size of the fake camera: 4:3 like the page's document stage, and
// large enough for the verifier (a short side of at least 600 pixels, MRZ
// characters over 20 pixels high once the passport fills the frame).
const camW, camH = 1280, 960

// fakeCamera is the file Chromium films from, and the scenes to show.
type fakeCamera struct {
	path   string
	scenes map[string][][]byte // the frames of each, in I420; a still scene has one
}

// cameraFlags are the browser flags that make path its only camera. The
// permission is not granted by a flag: each page grants or refuses it.
func cameraFlags(path string) map[string]any {
	return map[string]any{
		"use-fake-device-for-media-stream": true,
		"use-file-for-fake-video-capture":  path,
	}
}

// newFakeCamera prepares the scenes the runs film: a passport's photo
// page filling the frame, an identity card's front and back for the
// sandbox, and a face.
func newFakeCamera(t *testing.T) *fakeCamera {
	t.Helper()
	mrztest.Require(t)
	portrait := portraitImage(t)
	c := &fakeCamera{path: filepath.Join(t.TempDir(), "camera.y4m"), scenes: map[string][][]byte{}}
	passport, err := mrztest.Card(passportZone(), portrait, mrztest.Options{Width: camW - 100})
	if err != nil {
		t.Fatal(err)
	}
	card, err := mrztest.Card(nil, portrait, mrztest.Options{Width: camW - 120})
	if err != nil {
		t.Fatal(err)
	}
	c.scenes["passport"] = [][]byte{i420(onTable(passport))}
	c.scenes["card"] = [][]byte{i420(onTable(card))}
	c.scenes["card-back"] = [][]byte{i420(onTable(cardBack(card.Bounds().Size())))}
	c.scenes["face"] = [][]byte{i420(faceScene(portrait, 0))}
	for _, frame := range faceTurning(portrait) {
		c.scenes["face-turning"] = append(c.scenes["face-turning"], i420(frame))
	}
	c.film(t, "passport")
	return c
}

// film makes the camera show scene from the next time it is opened.
func (c *fakeCamera) film(t *testing.T, scene string) {
	t.Helper()
	frames, ok := c.scenes[scene]
	if !ok {
		t.Fatalf("no scene %q", scene)
	}
	tmp := c.path + ".new"
	if err := writeY4M(tmp, camW, camH, frames); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, c.path); err != nil {
		t.Fatal(err)
	}
}

// writeY4M writes a short YUV4MPEG2 (C420) video at 10 fps, which
// Chromium plays in a loop: frames as given, or ten times the one frame of
// a still scene. A still scene is what a hand holding steady gives, and
// what lets the page's checks settle.
func writeY4M(path string, w, h int, frames [][]byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(bw, "YUV4MPEG2 W%d H%d F10:1 Ip A1:1 C420jpeg\n", w, h)
	for i := range max(len(frames), 10) {
		bw.WriteString("FRAME\n")
		bw.Write(frames[i%len(frames)])
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// i420 converts img (camW×camH) to planar Y, U, V (4:2:0), BT.601 in the
// video range, as a camera delivers.
func i420(img *image.RGBA) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := make([]byte, w*h+2*(w/2)*(h/2))
	y, u, v := out[:w*h], out[w*h:w*h+(w/2)*(h/2)], out[w*h+(w/2)*(h/2):]
	at := func(x, yy int) (float64, float64, float64) {
		p := img.Pix[yy*img.Stride+4*x:]
		return float64(p[0]), float64(p[1]), float64(p[2])
	}
	for yy := 0; yy < h; yy++ {
		for x := 0; x < w; x++ {
			r, g, b := at(x, yy)
			y[yy*w+x] = clamp8(16 + (65.481*r+128.553*g+24.966*b)/255)
		}
	}
	for yy := 0; yy < h/2; yy++ {
		for x := 0; x < w/2; x++ {
			var r, g, b float64
			for _, d := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
				rr, gg, bb := at(2*x+d[0], 2*yy+d[1])
				r, g, b = r+rr/4, g+gg/4, b+bb/4
			}
			u[yy*(w/2)+x] = clamp8(128 + (-37.797*r-74.203*g+112*b)/255)
			v[yy*(w/2)+x] = clamp8(128 + (112*r-93.786*g-18.214*b)/255)
		}
	}
	return out
}

func clamp8(f float64) byte {
	switch {
	case f < 0:
		return 0
	case f > 255:
		return 255
	}
	return byte(f + 0.5)
}

// passportZone is the machine readable zone of a Dutch passport (a real
// ICAO state: the verifier refuses the specimen state UTO) with valid
// check digits, for ERIKSSON ANNA MARIA born 1974-08-12, valid to 2034.
func passportZone() []string {
	pad := func(s string, n int) string { return (s + strings.Repeat("<", n))[:n] }
	digit := func(s string) string {
		d, err := mrz.CheckDigit(s)
		if err != nil {
			panic(err)
		}
		return fmt.Sprint(d)
	}
	num, dob, doe, personal := "L898902C3", "740812", "340415", pad("ZE184226B", 14)
	l2 := num + digit(num) + "NLD" + dob + digit(dob) + "F" + doe + digit(doe) + personal + digit(personal)
	l2 += digit(l2[0:10] + l2[13:20] + l2[21:43])
	return []string{pad("P<NLDERIKSSON<<ANNA<MARIA", 44), l2}
}

// portraitImage is the real portrait of mrztest, decoded.
func portraitImage(t *testing.T) image.Image {
	t.Helper()
	b, err := mrztest.PortraitJPEG()
	if err != nil {
		t.Fatalf("portrait: %v", err)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// onTable centres a document on a dark table filling the frame, as a
// person holding it close to the camera would show it.
func onTable(doc image.Image) *image.RGBA {
	frame := image.NewRGBA(image.Rect(0, 0, camW, camH))
	draw.Draw(frame, frame.Rect, image.NewUniform(color.RGBA{58, 62, 68, 255}), image.Point{}, draw.Src)
	b := doc.Bounds()
	if b.Dx() > camW || b.Dy() > camH {
		s := min(float64(camW)/float64(b.Dx()), float64(camH)/float64(b.Dy()))
		r := image.Rect(0, 0, int(float64(b.Dx())*s), int(float64(b.Dy())*s))
		scaled := image.NewRGBA(r)
		xdraw.CatmullRom.Scale(scaled, r, doc, b, xdraw.Src, nil)
		doc, b = scaled, r
	}
	at := image.Pt((camW-b.Dx())/2, (camH-b.Dy())/2)
	draw.Draw(frame, image.Rectangle{Min: at, Max: at.Add(b.Size())}, doc, b.Min, draw.Src)
	return frame
}

// cardBack draws the back of a card of size: pale, with a barcode-like
// band and lines of text, enough for the page's checks and the sandbox.
func cardBack(size image.Point) image.Image {
	img := image.NewRGBA(image.Rectangle{Max: size})
	fill := func(r image.Rectangle, c color.RGBA) {
		draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
	}
	fill(img.Rect, color.RGBA{226, 236, 246, 255})
	w, h := size.X, size.Y
	for x := w / 12; x < w*11/12; x += 9 {
		fill(image.Rect(x, h/6, x+3+x%5, h/2), color.RGBA{20, 20, 24, 255})
	}
	for y := h * 6 / 10; y < h*9/10; y += h / 14 {
		for x := w / 12; x < w*11/12; x += 26 {
			fill(image.Rect(x, y, x+18, y+h/28), color.RGBA{40, 44, 60, 255})
		}
	}
	return img
}

// faceScene is a selfie as a front camera sees it: the portrait, a
// little larger than life on the screen, against a plain wall, dx pixels
// right of the middle. The photo is dimmed slightly so that its white
// background is not mistaken for glare.
func faceScene(portrait image.Image, dx int) *image.RGBA {
	frame := image.NewRGBA(image.Rect(0, 0, camW, camH))
	draw.Draw(frame, frame.Rect, image.NewUniform(color.RGBA{150, 146, 140, 255}), image.Point{}, draw.Src)
	b := portrait.Bounds()
	h := camH * 9 / 10
	w := b.Dx() * h / b.Dy()
	r := image.Rect((camW-w)/2+dx, camH-h, (camW+w)/2+dx, camH)
	xdraw.CatmullRom.Scale(frame, r, portrait, b, xdraw.Src, nil)
	for i := 0; i < len(frame.Pix); i += 4 {
		for k := range 3 {
			frame.Pix[i+k] = byte(int(frame.Pix[i+k]) * 90 / 100)
		}
	}
	return frame
}

// turningFrames is the length of the face-turning scene: 2 s at 10 fps.
const turningFrames = 20

// markerSide is the side of the marker square in the face-turning scene's
// top left corner, in camera pixels; markerColor its colour.
const markerSide = 100

var markerColor = color.RGBA{220, 30, 40, 255}

// faceTurning is the scene filmed for the head movement: the face going
// right of the middle and back, smoothly, so that the loop does not jump.
// The page checks nothing of it; the server's check of the movement is
// tested with real faces elsewhere. A red square in the camera's top left
// corner, outside the oval and cut off by the preview, tells which way
// round the frames the page sends are: as the camera films them, never
// mirrored like the preview.
func faceTurning(portrait image.Image) []*image.RGBA {
	out := make([]*image.RGBA, turningFrames)
	for i := range out {
		// 0 → 90 px → 0, as a triangle wave.
		step := i
		if step > turningFrames/2 {
			step = turningFrames - step
		}
		frame := faceScene(portrait, 90*step/(turningFrames/2))
		draw.Draw(frame, image.Rect(30, 30, 30+markerSide, 30+markerSide), image.NewUniform(markerColor), image.Point{}, draw.Src)
		out[i] = frame
	}
	return out
}
