// Package facetest makes pictures for tests of the face pipeline and of
// what uses it: the labelled photos of face/testdata/photos, a head turn
// synthesised from a frontal photo, and the presentation attacks a
// verifier must not take for a live face (a portrait printed and
// photographed again, a photo shown on a screen).
//
// The pictures are made in code, deterministically, so a test states what
// it feeds the pipeline; nothing here is read at run time by the server.
package facetest

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
)

// PhotoDir is the folder of the labelled test photos (see its README).
func PhotoDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "photos")
}

// Photo reads a test photo by file name ("obama.jpg").
func Photo(name string) (*image.RGBA, error) {
	b, err := os.ReadFile(filepath.Join(PhotoDir(), name))
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("facetest: %s: %w", name, err)
	}
	return RGBA(img), nil
}

// RGBA returns img as an *image.RGBA with its corner at (0, 0).
func RGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	return out
}

// Crop returns the part r of img, as a new image.
func Crop(img image.Image, r image.Rectangle) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Rect, img, r.Min, draw.Src)
	return out
}

// JPEG encodes img at the given quality.
func JPEG(img image.Image, quality int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		panic(err) // encoding to memory does not fail
	}
	return b.Bytes()
}

// PNG encodes img.
func PNG(img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Selfie cuts the head and shoulders around a face whose detector box is
// box (x0, y0, x1, y1), 2.6 face widths wide and 3.4 tall, and scales it
// to 480 pixels wide: a frame as the capture page films it.
func Selfie(img *image.RGBA, box [4]float64) *image.RGBA {
	w := box[2] - box[0]
	cx, cy := (box[0]+box[2])/2, (box[1]+box[3])/2
	return Resize(Crop(img, image.Rect(int(cx-1.3*w), int(cy-1.5*w), int(cx+1.3*w), int(cy+1.9*w))), 480)
}

// Portrait cuts a passport-style portrait around a face whose detector
// box is box: 1.9 face widths wide, 1.28 times as tall as wide.
func Portrait(img *image.RGBA, box [4]float64) *image.RGBA {
	w := 1.9 * (box[2] - box[0])
	cx, cy := (box[0]+box[2])/2, (box[1]+box[3])/2
	return Crop(img, image.Rect(int(cx-w/2), int(cy-0.45*1.28*w), int(cx+w/2), int(cy+0.55*1.28*w)))
}

// Resize scales img to the given width, keeping its proportions; when
// shrinking, it blurs first so that the result does not alias.
func Resize(img *image.RGBA, width int) *image.RGBA {
	k := float64(width) / float64(img.Rect.Dx())
	if k < 1 {
		img = RGBA(img)
		Blur(img, 0.5/k)
	}
	h := max(1, int(float64(img.Rect.Dy())*k+0.5))
	return Warp(img, width, h, func(x, y float64) (float64, float64) { return x / k, y / k }, Gray)
}
