// Command mkinputs cuts the golden tests' model inputs out of the test
// photos and writes them as PNG files, so that the reference run (golden.mjs)
// and the Go tests read exactly the same pixels, whatever JPEG decoder each
// side has.
//
// For each photo it writes the BlazeFace input (the photo padded to a
// square with black, resized bilinearly to 256×256) and, around the
// strongest face BlazeFace finds there, a 150×150 crop for the descriptor
// (the box made square) and 128×128 and 32×32 crops for the
// presentation-attack models (the box enlarged 1.4 times and made square).
//
//	go run ./face/models/golden/mkinputs
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/idproof/idproof/face/models"
	"github.com/idproof/idproof/nn"
)

func main() {
	photos := flag.String("photos", "face/testdata/photos", "folder of the test photos")
	out := flag.String("out", "face/testdata/golden/inputs", "folder to write the inputs to")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	// Which inputs each photo provides; the set is kept small because the
	// files are committed.
	jobs := []struct {
		name              string
		detect, desc, pad bool
	}{
		{"obama", true, true, true},
		{"obama2", false, true, false},
		{"biden", true, true, false},
		{"biden2", false, true, true},
		{"two_people", true, false, false},
	}
	det, err := models.BlazeFace()
	if err != nil {
		log.Fatal(err)
	}
	for _, j := range jobs {
		img, err := readRGB(filepath.Join(*photos, j.name+".jpg"))
		if err != nil {
			log.Fatal(err)
		}
		square, side, padX, padY := padSquare(img)
		in, err := nn.ResizeBilinear(square, models.BlazeFaceSize, models.BlazeFaceSize)
		if err != nil {
			log.Fatal(err)
		}
		in = quantize(in)
		if j.detect {
			write(filepath.Join(*out, "blazeface_"+j.name+".png"), in)
		}
		norm := in.Clone()
		for i, v := range norm.Data {
			norm.Data[i] = v/127.5 - 1
		}
		outs, err := det.Run(norm)
		if err != nil {
			log.Fatal(err)
		}
		dets, err := models.DecodeBlazeFace(outs)
		if err != nil {
			log.Fatal(err)
		}
		faces := models.NonMaxSuppression(dets, 0.7, 0.3)
		if len(faces) == 0 {
			log.Fatalf("%s: no face found", j.name)
		}
		// Map the box back to the photo's pixels.
		f := faces[0]
		s := float32(side) / models.BlazeFaceSize
		box := [4]float32{f.Box[0]*s - float32(padX), f.Box[1]*s - float32(padY), f.Box[2]*s - float32(padX), f.Box[3]*s - float32(padY)}
		fmt.Printf("%s: %d faces, best %.3f at %.0f\n", j.name, len(faces), f.Score, box)
		if j.desc {
			write(filepath.Join(*out, "resnet_"+j.name+".png"), crop(img, box, 1, 150))
		}
		if j.pad {
			write(filepath.Join(*out, "antispoof_"+j.name+".png"), crop(img, box, 1.4, 128))
			write(filepath.Join(*out, "liveness_"+j.name+".png"), crop(img, box, 1.4, 32))
		}
	}
}

// readRGB decodes an image into a [1, h, w, 3] tensor of values 0…255.
func readRGB(path string) (*nn.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b := img.Bounds()
	t := nn.New(1, b.Dy(), b.Dx(), 3)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			c := color.RGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.RGBA)
			p := t.Data[(y*b.Dx()+x)*3:]
			p[0], p[1], p[2] = float32(c.R), float32(c.G), float32(c.B)
		}
	}
	return t, nil
}

// padSquare centres img on a black square.
func padSquare(img *nn.Tensor) (sq *nn.Tensor, side, padX, padY int) {
	h, w := img.Shape[1], img.Shape[2]
	side = max(h, w)
	padX, padY = (side-w)/2, (side-h)/2
	sq, err := nn.Pad(img, [][2]int{{0, 0}, {padY, side - h - padY}, {padX, side - w - padX}, {0, 0}}, 0)
	if err != nil {
		log.Fatal(err)
	}
	return sq, side, padX, padY
}

// crop cuts the square of side scale·max(box sides) centred on box out of
// img (black outside it) and resizes it to size×size.
func crop(img *nn.Tensor, box [4]float32, scale float64, size int) *nn.Tensor {
	cx, cy := float64(box[0]+box[2])/2, float64(box[1]+box[3])/2
	half := scale * math.Max(float64(box[2]-box[0]), float64(box[3]-box[1])) / 2
	x0, y0 := int(math.Round(cx-half)), int(math.Round(cy-half))
	n := int(math.Round(2 * half))
	h, w := img.Shape[1], img.Shape[2]
	c := nn.New(1, n, n, 3)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			sy, sx := y0+y, x0+x
			if sy < 0 || sy >= h || sx < 0 || sx >= w {
				continue
			}
			copy(c.Data[(y*n+x)*3:(y*n+x)*3+3], img.Data[(sy*w+sx)*3:])
		}
	}
	r, err := nn.ResizeBilinear(c, size, size)
	if err != nil {
		log.Fatal(err)
	}
	return quantize(r)
}

// quantize rounds values to whole 0…255 levels, as a PNG stores them.
func quantize(t *nn.Tensor) *nn.Tensor {
	for i, v := range t.Data {
		t.Data[i] = float32(math.Round(math.Min(math.Max(float64(v), 0), 255)))
	}
	return t
}

// write stores a [1, h, w, 3] tensor of 0…255 values as an RGB PNG.
func write(path string, t *nn.Tensor) {
	h, w := t.Shape[1], t.Shape[2]
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < h*w; i++ {
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = uint8(t.Data[3*i]), uint8(t.Data[3*i+1]), uint8(t.Data[3*i+2]), 255
	}
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
