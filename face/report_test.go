package face_test

import (
	"flag"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/idproof/idproof/face"
	"github.com/idproof/idproof/face/facetest"
	"github.com/idproof/idproof/mrzread/mrztest"
)

// The measurements docs/faces.md reports are made by TestReport:
//
//	go test ./face -run TestReport -report -v
//
// It takes a minute or two. The group photos of face-api's demo are used
// when face/models/fetch.sh has unpacked the package into its cache.
var report = flag.Bool("report", false, "print the measurements of docs/faces.md")

func TestReport(t *testing.T) {
	if !*report {
		t.Skip("run with -report")
	}
	ls := mustLabelled(t)
	out := &strings.Builder{}
	defer func() { fmt.Print(out.String()) }()

	fmt.Fprintln(out, "\n## Labelled photos: every pair")
	for i := range ls {
		for j := i + 1; j < len(ls); j++ {
			kind := "different"
			if ls[i].who == ls[j].who {
				kind = "same"
			}
			if sameShot(ls[i].name, ls[j].name) {
				kind = "same photograph"
			}
			fmt.Fprintf(out, "| %s | %s | %s | %.3f |\n", ls[i].name, ls[j].name, kind, face.Distance(ls[i].desc, ls[j].desc))
		}
	}

	fmt.Fprintln(out, "\n## Crops: largest same-person and smallest different-person distance")
	for _, v := range cropVariants() {
		same, diff := 0.0, 2.0
		ds := make([]face.Descriptor, len(ls))
		for i, l := range ls {
			ds[i] = describeView(t, l, v.view(l.face))
		}
		for i := range ls {
			for j := i + 1; j < len(ls); j++ {
				d := face.Distance(ds[i], ds[j])
				if sameShot(ls[i].name, ls[j].name) {
					continue
				}
				if ls[i].who == ls[j].who {
					same = max(same, d)
				} else {
					diff = min(diff, d)
				}
			}
		}
		fmt.Fprintf(out, "| %s | %.3f | %.3f | %.3f |\n", v.name, same, diff, diff-same)
	}

	reportCards(t, out, ls)
	reportGroups(t, out)
	reportSmall(t, out, ls)
	reportPassive(t, out, ls)
	reportTurns(t, out, ls)
}

type cropVariant struct {
	name string
	view func(f face.Face) [3][2]float64 // origin, one crop pixel right, one down
}

func cropVariants() []cropVariant {
	box := func(k float64) func(f face.Face) [3][2]float64 {
		return func(f face.Face) [3][2]float64 {
			w := k * f.Width()
			cx, cy := (f.Box[0]+f.Box[2])/2, (f.Box[1]+f.Box[3])/2
			s := w / face.DescriptorInput
			return [3][2]float64{{cx - w/2, cy - w/2}, {s, 0}, {0, s}}
		}
	}
	aligned := func(roll bool) func(f face.Face) [3][2]float64 {
		return func(f face.Face) [3][2]float64 {
			le, re, mo := f.Keypoints[face.LeftEye], f.Keypoints[face.RightEye], f.Keypoints[face.Mouth]
			side := (math.Hypot(le.X-mo.X, le.Y-mo.Y) + math.Hypot(re.X-mo.X, re.Y-mo.Y)) / 2 / 0.45
			a := 0.0
			if roll {
				a = math.Atan2(re.Y-le.Y, re.X-le.X)
			}
			k := side / face.DescriptorInput
			ax, ay := [2]float64{k * math.Cos(a), k * math.Sin(a)}, [2]float64{-k * math.Sin(a), k * math.Cos(a)}
			cx, cy := (le.X+re.X+mo.X)/3, (le.Y+re.Y+mo.Y)/3
			u, v := 0.5*face.DescriptorInput, 0.43*face.DescriptorInput
			return [3][2]float64{{cx - u*ax[0] - v*ay[0], cy - u*ax[1] - v*ay[1]}, ax, ay}
		}
	}
	return []cropVariant{
		{"eyes and mouth, eyes levelled (used)", aligned(true)},
		{"eyes and mouth, not levelled", aligned(false)},
		{"detector box", box(1)},
		{"detector box × 1.2", box(1.2)},
		{"detector box × 1.4", box(1.4)},
	}
}

// describeView describes the crop of l's photo given by an affine view,
// sampled bilinearly from a copy blurred to the crop's scale.
func describeView(t *testing.T, l labelled, v [3][2]float64) face.Descriptor {
	img, err := facetest.Photo(l.file)
	if err != nil {
		t.Fatal(err)
	}
	scale := math.Hypot(v[1][0], v[1][1])
	if scale > 1 {
		facetest.Blur(img, 0.5*scale)
	}
	crop := facetest.Warp(img, face.DescriptorInput, face.DescriptorInput, func(x, y float64) (float64, float64) {
		return v[0][0] + x*v[1][0] + y*v[2][0], v[0][1] + x*v[1][1] + y*v[2][1]
	}, facetest.Gray)
	d, err := face.Describe(crop)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// portrait cuts a passport-style portrait (1:1.28) around a face.
func portrait(t testing.TB, l labelled) *image.RGBA {
	img, err := facetest.Photo(l.file)
	if err != nil {
		t.Fatal(err)
	}
	return facetest.Portrait(img, l.face.Box)
}

func single(t testing.TB, img image.Image) (face.Face, face.Descriptor, bool) {
	m := face.NewImage(img)
	f, err := m.Single()
	if err != nil {
		return f, face.Descriptor{}, false
	}
	d, err := m.Describe(f)
	if err != nil {
		t.Fatal(err)
	}
	return f, d[0], true
}

func reportCards(t *testing.T, out *strings.Builder, ls []labelled) {
	if mrztest.FontPath() == "" {
		fmt.Fprintln(out, "\n(no OCR-B font: cards skipped)")
		return
	}
	fmt.Fprintln(out, "\n## Portrait printed on a card (1300 px wide) against selfies")
	selfies := make([]face.Descriptor, len(ls))
	for i, l := range ls {
		_, selfies[i], _ = single(t, selfie(t, l))
	}
	for i, l := range ls {
		row := fmt.Sprintf("| %s |", l.name)
		for _, width := range []int{1300, 700, 450} {
			card, err := mrztest.Card(nil, portrait(t, l), mrztest.Options{Width: width})
			if err != nil {
				t.Fatal(err)
			}
			f, d, ok := single(t, card)
			if !ok {
				row += " no face |"
				continue
			}
			if width != 1300 {
				row += fmt.Sprintf(" %d px: face %.0f, own selfie %.3f |", width, f.Width(), face.Distance(d, selfies[i]))
				continue
			}
			for j := range ls {
				mark := ""
				if ls[j].who == l.who {
					mark = "*"
				}
				row += fmt.Sprintf(" %s%.3f |", mark, face.Distance(d, selfies[j]))
			}
		}
		fmt.Fprintln(out, row)
	}
}

func reportGroups(t *testing.T, out *strings.Builder) {
	cache := os.Getenv("IDPROOF_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "idproof-tools")
	}
	dir := filepath.Join(cache, "face-models", "face-api-1.7.15", "package", "demo")
	var all []float64
	for i := 1; i <= 6; i++ {
		m, err := decodeFile(filepath.Join(dir, fmt.Sprintf("sample%d.jpg", i)))
		if err != nil {
			fmt.Fprintf(out, "\n(face-api's demo photos are not in %s: run face/models/fetch.sh)\n", dir)
			return
		}
		faces, err := m.Detect(0)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := m.Describe(faces...)
		if err != nil {
			t.Fatal(err)
		}
		var ps []string
		for a := range ds {
			for b := a + 1; b < len(ds); b++ {
				d := face.Distance(ds[a], ds[b])
				all = append(all, d)
				ps = append(ps, fmt.Sprintf("%.3f", d))
			}
		}
		fmt.Fprintf(out, "| sample%d.jpg | %d | %s |\n", i, len(faces), strings.Join(ps, ", "))
	}
	sort.Float64s(all)
	under := 0
	for _, d := range all {
		if d < 0.6 {
			under++
		}
	}
	fmt.Fprintf(out, "%d pairs of different people, smallest %.3f, %d under 0.6\n", len(all), all[0], under)
}

func reportSmall(t *testing.T, out *strings.Builder, ls []labelled) {
	fmt.Fprintln(out, "\n## Faces shrunk: distance to the other photos (same person / different people)")
	full := make([]face.Descriptor, 4)
	for i := range full {
		full[i] = ls[i].desc
	}
	for _, w := range []float64{20, 28, 36, 44, 56, 72, 96} {
		same, diff := 0.0, 2.0
		for i := 0; i < 4; i++ {
			s := selfie(t, ls[i])
			f, _, _ := single(t, s)
			small := facetest.Resize(s, int(480*w/f.Width()))
			_, d, ok := single(t, small)
			if !ok {
				continue
			}
			for j := 0; j < 4; j++ {
				if j == i {
					continue
				}
				if ls[j].who == ls[i].who {
					same = max(same, face.Distance(d, full[j]))
				} else {
					diff = min(diff, face.Distance(d, full[j]))
				}
			}
		}
		fmt.Fprintf(out, "| %.0f | %.3f | %.3f |\n", w, same, diff)
	}
}

func reportPassive(t *testing.T, out *strings.Builder, ls []labelled) {
	fmt.Fprintln(out, "\n## Passive scores (antispoof / live)")
	glare := facetest.Recapture{Angle: 4, Fill: 0.85, Glare: 0.5, GlareAt: [2]float64{0.3, 0.25}, Blur: 0.8, Noise: 3, Seed: 1}
	plain := facetest.Recapture{Angle: -3, Fill: 0.95, Blur: 1.2, Noise: 2, Seed: 2}
	kinds := []struct {
		name string
		make func(s *image.RGBA) *image.RGBA
	}{
		{"live (the photo)", func(s *image.RGBA) *image.RGBA { return s }},
		{"print, 4 px halftone, glare", func(s *image.RGBA) *image.RGBA { return facetest.Print(s, 4, glare) }},
		{"print, 6 px halftone", func(s *image.RGBA) *image.RGBA { return facetest.Print(s, 6, plain) }},
		{"photo rephotographed, no halftone", func(s *image.RGBA) *image.RGBA {
			return facetest.Print(s, 0.5, facetest.Recapture{Angle: 2, Fill: 0.9, Blur: 1, Noise: 3, Seed: 4})
		}},
		{"screen, 3 px pitch, glare", func(s *image.RGBA) *image.RGBA { return facetest.Screen(s, 3, glare) }},
		{"screen, 4 px pitch", func(s *image.RGBA) *image.RGBA {
			return facetest.Screen(s, 4, facetest.Recapture{Angle: 2, Fill: 1, Blur: 0.6, Noise: 2, Seed: 3})
		}},
	}
	for _, k := range kinds {
		row := "| " + k.name + " |"
		for _, l := range ls {
			img := k.make(selfie(t, l))
			m := face.NewImage(img)
			f, err := m.Single()
			if err != nil {
				row += " no face |"
				continue
			}
			p, err := m.PassiveScores(f)
			if err != nil {
				t.Fatal(err)
			}
			row += fmt.Sprintf(" %.2f / %.2f |", p.Antispoof, p.Live)
		}
		fmt.Fprintln(out, row)
	}
	// Noise: no face at all, read where a face would be.
	noise := image.NewRGBA(image.Rect(0, 0, 480, 480))
	for i := range noise.Pix {
		noise.Pix[i] = 128
	}
	facetest.Noise(noise, 80, 7)
	m := face.NewImage(noise)
	p, err := m.PassiveScores(face.Face{Box: [4]float64{140, 140, 340, 340}})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(out, "| Gaussian noise, σ = 80 (no face; a face's box) | %.2f / %.2f |\n", p.Antispoof, p.Live)
}

func reportTurns(t *testing.T, out *strings.Builder, ls []labelled) {
	fmt.Fprintln(out, "\n## Head turn: movement to the image's right / left, roll span, largest step, distance to the selfie")
	for _, l := range ls[:4] {
		s, seqs := turnFrames(t, l)
		_, ref, _ := single(t, s)
		names := make([]string, 0, len(seqs))
		for n := range seqs {
			names = append(names, n)
		}
		sort.Strings(names)
		// Also a flat picture turned about a tilted axis.
		tilted := make([]*image.RGBA, 0, 5)
		for i := 0; i < 5; i++ {
			tilted = append(tilted, facetest.Squeeze(facetest.Move(s, 15, 1, 0, 0), 1-0.08*float64(i)))
		}
		seqs["flat, tilted 15° and turned away"] = tilted
		names = append(names, "flat, tilted 15° and turned away")
		var rotated []*image.RGBA
		for i := 0; i < 5; i++ {
			rotated = append(rotated, facetest.Move(s, 25*float64(i), 0.8, 0, 0))
		}
		seqs["flat, rotated 0–100°"] = rotated
		names = append(names, "flat, rotated 0–100°")
		for _, n := range names {
			tm, err := face.MeasureTurn(images(seqs[n]), &ref)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(out, "| %s | %s | %.3f | %.3f | %.0f° | %.3f | %.3f |\n", l.name, n, tm.Right, tm.Left, tm.RollSpan, tm.Step, tm.Reference)
		}
	}
}
