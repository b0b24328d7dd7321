package mrztest

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
	"sync"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Options control Card. The zero value draws a clean card whose MRZ
// characters are 20 pixels high.
type Options struct {
	// CharHeight is the capital height of the MRZ characters in pixels
	// (default 20). The card is scaled to match: ICAO 9303 prints the MRZ at
	// 10 characters per inch.
	CharHeight float64
	// Width, when positive, sets the card's width in pixels instead.
	Width int
	// Border surrounds the card with this many pixels of dark background,
	// like a photograph of a document on a table.
	Border int
	// Tint is the card's background; default a pale blue.
	Tint color.Color
	// Noise is the standard deviation of added Gaussian noise, in 8-bit
	// levels.
	Noise float64
	// Rotate turns the picture by this many degrees, counter-clockwise,
	// about its centre, like a document placed slightly askew.
	Rotate float64
	// Blur is the sigma in pixels of a Gaussian blur applied before noise.
	Blur float64
	// JPEGQuality, when positive, re-encodes the result as JPEG.
	JPEGQuality int
	// Seed makes the noise reproducible.
	Seed uint64
	// Font is the OCR-B font file; default FontPath().
	Font string
	// Face, when set, draws the MRZ instead of Font, scaled so that its
	// capital height is OCR-B's at the same pitch.
	Face *Font
	// Ink is the colour of the MRZ print; default near-black.
	Ink color.Color
	// Pattern, when positive, covers the whole card, the MRZ included, with
	// a coloured guilloche that darkens the paper by up to this many levels.
	Pattern float64
	// Table is the colour around the card (Border, Tilt); default dark
	// grey, white for a scan.
	Table color.Color
	// Tilt turns the card by this many degrees, counter-clockwise, like
	// Rotate, but grows the picture so that no corner is cut off.
	Tilt float64
	// Keystone is the perspective of a camera held not quite parallel to
	// the card: the far (top) edge is shorter than the near one by this
	// fraction, and one side recedes by half as much.
	Keystone float64
	// Light, from 0 to 1, is how uneven the lighting is: a brightness
	// gradient across the picture, a vignette and a soft shadow.
	Light float64
	// Turns rotates the final picture by this many quarter turns,
	// counter-clockwise, as a camera held sideways or upside down does.
	Turns int
}

// ocrbCapRatio is the capital height of OCR-B over its pitch, which other
// faces are scaled to.
const ocrbCapRatio = 0.97

// Sizes in millimetres of the three ICAO 9303 formats, keyed by MRZ line
// length.
var formats = map[int]struct {
	w, h  float64
	title string
}{
	30: {85.6, 53.98, "IDENTITY CARD"},
	36: {105, 74, "IDENTITY CARD"},
	44: {125, 88, "PASSPORT"},
}

const pitchMM = 2.54 // 10 characters per inch

// Card draws a synthetic document: a tinted card with a title, a few text
// fields, the portrait face (a grey placeholder when nil) and the MRZ lines
// at the bottom in OCR-B. With no lines it draws a TD1-sized card without an
// MRZ. Lines must be 2×44, 2×36 or 3×30 characters of the MRZ alphabet.
func Card(lines []string, face image.Image, opts Options) (image.Image, error) {
	f, capRatio := opts.Face, ocrbCapRatio
	if f == nil {
		path := opts.Font
		if path == "" {
			path = FontPath()
		}
		if path == "" {
			return nil, errors.New("mrztest: OCR-B font not found")
		}
		fr := loadCached(path)
		if fr.err != nil {
			return nil, fr.err
		}
		f, capRatio = fr.f, fr.f.CapRatio()
	}

	n := 30
	if len(lines) > 0 {
		n = len(lines[0])
		for _, l := range lines {
			if len(l) != n || strings.Trim(l, Alphabet) != "" {
				return nil, fmt.Errorf("mrztest: bad MRZ line %q", l)
			}
		}
	}
	fm, ok := formats[n]
	if !ok {
		return nil, fmt.Errorf("mrztest: no document format has %d-character lines", n)
	}
	capH := opts.CharHeight
	if capH <= 0 {
		capH = 20
	}
	mm := capH / capRatio / pitchMM // pixels per millimetre
	if opts.Width > 0 {
		mm = float64(opts.Width) / fm.w
	}
	pitch := pitchMM * mm
	cw, ch := int(math.Round(fm.w*mm)), int(math.Round(fm.h*mm))
	if cw < 8 || ch < 8 || cw > 20000 || ch > 20000 {
		return nil, fmt.Errorf("mrztest: card size %d×%d out of range", cw, ch)
	}

	b := max(opts.Border, 0)
	img := image.NewRGBA(image.Rect(0, 0, cw+2*b, ch+2*b))
	table := opts.Table
	if table == nil {
		table = color.RGBA{62, 66, 72, 255}
	}
	fill(img, img.Bounds(), table)
	card := image.Rect(b, b, b+cw, b+ch)
	tint := opts.Tint
	if tint == nil {
		tint = color.RGBA{226, 236, 246, 255}
	}
	fill(img, card, tint)

	// Layout, in pixels from the card's corner. ICAO 9303 places the last
	// MRZ baseline about 4.5 mm above the bottom edge.
	lineGap := 1.65 * pitch
	nl := max(len(lines), 3)
	if len(lines) == 2 {
		nl = 2
	}
	lastBase := float64(ch) - 4.5*mm
	mrzTop := lastBase - float64(nl-1)*lineGap - 1.2*pitch
	ox, oy := float64(b), float64(b)
	guilloche(img, card, mrzTop+oy-pitch)
	if opts.Pattern > 0 {
		security(img, card, pitch, opts.Pattern)
	}

	title := fm.title
	if err := text(img, bold, title, ox+4*mm, oy+7*mm, 4*mm, color.RGBA{40, 50, 110, 255}); err != nil {
		return nil, err
	}
	photoTop := 0.2 * float64(ch)
	photoH := mrzTop - 2*mm - photoTop
	photoW := photoH / 1.28
	photo := image.Rect(b+int(4*mm), b+int(photoTop), b+int(4*mm+photoW), b+int(photoTop+photoH))
	if face != nil {
		xdraw.CatmullRom.Scale(img, photo, face, face.Bounds(), xdraw.Src, nil)
	} else {
		fill(img, photo, color.RGBA{200, 204, 210, 255})
	}

	surname, given := names(lines)
	fields := [][2]string{
		{"Surname", surname},
		{"Given names", given},
		{"Nationality", "UTOPIAN"},
		{"Date of birth", "12 AUG 1974"},
		{"Date of expiry", "15 APR 2032"},
	}
	fx := float64(photo.Max.X) + 4*mm
	fy := oy + photoTop + 2*mm
	step := math.Max((photoH-2*mm)/float64(len(fields)), 3.5*mm)
	for _, fl := range fields {
		if fy+step > oy+mrzTop {
			break
		}
		if err := text(img, regular, fl[0], fx, fy, 1.4*mm, color.RGBA{80, 90, 120, 255}); err != nil {
			return nil, err
		}
		if err := text(img, regular, fl[1], fx, fy+3.2*mm, 2.2*mm, color.RGBA{25, 25, 40, 255}); err != nil {
			return nil, err
		}
		fy += step
	}

	var ink image.Image = image.NewUniform(color.RGBA{22, 22, 28, 255})
	if opts.Ink != nil {
		ink = image.NewUniform(opts.Ink)
	}
	left := ox + (float64(cw)-float64(n)*pitch)/2
	for i, l := range lines {
		y := oy + lastBase - float64(len(lines)-1-i)*lineGap
		if err := f.DrawCells(img, ink, left, y, pitch, capRatio*pitch, l); err != nil {
			return nil, err
		}
	}
	return degrade(img, card, table, opts)
}

// names takes the holder's names from a TD3 first line or a TD1 third line,
// so the printed fields agree with the MRZ.
func names(lines []string) (surname, given string) {
	var field string
	switch len(lines) {
	case 2:
		field = lines[0][5:]
	case 3:
		field = lines[2]
	default:
		return "SPECIMEN", "SAMPLE"
	}
	s, g, _ := strings.Cut(field, "<<")
	clean := func(x string) string {
		return strings.TrimSpace(strings.ReplaceAll(x, "<", " "))
	}
	return clean(s), clean(g)
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	xdraw.Draw(img, r, image.NewUniform(c), image.Point{}, xdraw.Src)
}

// The Go fonts (BSD licence, embedded in golang.org/x/image) print the
// human-readable fields, which real documents set in proportional type.
var (
	regular = sync.OnceValues(func() (*opentype.Font, error) { return opentype.Parse(goregular.TTF) })
	bold    = sync.OnceValues(func() (*opentype.Font, error) { return opentype.Parse(gobold.TTF) })
)

// text draws s in a proportional font with its baseline's left end at
// (x, y) and a capital height of capH pixels.
func text(img *image.RGBA, which func() (*opentype.Font, error), s string, x, y, capH float64, c color.Color) error {
	fnt, err := which()
	if err != nil {
		return err
	}
	face, err := opentype.NewFace(fnt, &opentype.FaceOptions{Size: capH / 0.7, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return err
	}
	defer face.Close()
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: face,
		Dot: fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}}
	d.DrawString(s)
	return nil
}

// guilloche draws faint wavy security lines above y, as on real documents,
// so the reader is tested against a background that is not flat.
func guilloche(img *image.RGBA, card image.Rectangle, yMax float64) {
	h := float64(card.Dy())
	for k := range 6 {
		base := float64(card.Min.Y) + h*(0.15+0.1*float64(k))
		amp := h * 0.04
		period := float64(card.Dx()) / (2 + float64(k%3))
		for x := card.Min.X; x < card.Max.X; x++ {
			yc := base + amp*math.Sin(2*math.Pi*float64(x-card.Min.X)/period+float64(k))
			for y := int(yc) - 1; y <= int(yc)+2; y++ {
				if y < card.Min.Y || float64(y) >= yMax || y >= card.Max.Y {
					continue
				}
				a := 1 - math.Abs(float64(y)+0.5-yc)
				if a <= 0 {
					continue
				}
				i := img.PixOffset(x, y)
				for c := range 3 {
					img.Pix[i+c] = uint8(float64(img.Pix[i+c]) - 18*a)
				}
			}
		}
	}
}
