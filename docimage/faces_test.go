package docimage

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idproof/idproof/mrzread/mrztest"
)

func TestFaces(t *testing.T) {
	t.Parallel()
	photo := pigoSample(t) // a passport-style portrait of one man
	gradient := image.NewGray(image.Rect(0, 0, 1600, 1000))
	for y := 0; y < 1000; y++ {
		for x := 0; x < 1600; x++ {
			gradient.Pix[y*1600+x] = uint8((x + y) * 255 / 2600)
		}
	}
	blank := image.NewRGBA(image.Rect(0, 0, 800, 500))
	draw.Draw(blank, blank.Bounds(), image.NewUniform(color.RGBA{128, 128, 128, 255}), image.Point{}, draw.Src)
	noise := image.NewGray(image.Rect(0, 0, 800, 500))
	rand.New(rand.NewSource(1)).Read(noise.Pix)

	// A face far below MinFaceFraction of the frame, like a bystander, is
	// not counted.
	distant := image.NewRGBA(image.Rect(0, 0, 1600, 1000))
	draw.Draw(distant, distant.Bounds(), image.NewUniform(color.RGBA{120, 130, 140, 255}), image.Point{}, draw.Src)
	draw.Draw(distant, image.Rect(700, 400, 764, 480), scaleTo(photo, 64, 80), image.Point{}, draw.Src)

	tests := []struct {
		name string
		img  image.Image
		want int
	}{
		{"pigo sample photo", photo, 1},
		{"photo, JPEG q50", jpegRoundTrip(t, photo, 50), 1},
		{"photo at 4× (selfie size)", scaleTo(photo, 1280, 1600), 1},
		{"photo at 0.4×", scaleTo(photo, 128, 160), 1},
		{"photo twice side by side", sideBySide(photo, photo), 2},
		{"photo as the portrait of a card", cardFront(t, 1600, 1010, photo), 1},
		{"photo as the portrait of a small card", cardFront(t, 800, 505, photo), 1},
		{"photo upside down", rotate180(photo), 0},
		{"photo at 5 % of the frame height", distant, 0},
		{"card with a drawn head", cardFront(t, 1600, 1010, nil), 0},
		{"blank", blank, 0},
		{"gradient", gradient, 0},
		{"noise", noise, 0},
		{"empty", image.NewGray(image.Rect(0, 0, 0, 0)), 0},
		{"tiny", image.NewGray(image.Rect(0, 0, 5, 5)), 0},
	}
	for _, tc := range tests {
		faces := Faces(tc.img)
		t.Logf("%-38s %v", tc.name, faces)
		if len(faces) != tc.want {
			t.Errorf("%s: %d faces, want %d: %+v", tc.name, len(faces), tc.want, faces)
		}
		for _, f := range faces {
			if f.Score < FaceScore || !f.Rect().Overlaps(tc.img.Bounds()) {
				t.Errorf("%s: implausible face %+v", tc.name, f)
			}
		}
	}
}

// The face is reported where it is, in the caller's coordinates.
func TestFacePosition(t *testing.T) {
	t.Parallel()
	photo := pigoSample(t)
	// In the photo itself the face is centred at about (160, 200).
	card := cardFront(t, 1600, 1010, photo)
	box := image.Rect(1600*4/100, 1010*22/100, 1600*31/100, 1010*86/100) // the card's photo box
	offset := image.Pt(300, 200)
	canvas := image.NewRGBA(card.Bounds().Add(offset))
	draw.Draw(canvas, canvas.Bounds(), card, image.Point{}, draw.Src)
	faces := Faces(canvas)
	if len(faces) != 1 {
		t.Fatalf("%d faces, want 1: %+v", len(faces), faces)
	}
	f := faces[0]
	if c := image.Pt(f.X, f.Y); !c.In(box.Add(offset)) {
		t.Errorf("face centre %v is outside the photo box %v", c, box.Add(offset))
	}
	if f.Size < box.Dx()/2 || f.Size > box.Dx()*3/2 {
		t.Errorf("face size %d for a %d px wide photo", f.Size, box.Dx())
	}
}

// portraitFamily is a set of document images that all show the real
// portrait (want 1) or none (want 0).
type portraitFamily struct {
	name string
	want int
	min  int // detections (or rejections) required out of len(imgs)
	imgs []image.Image
}

func buildPortraitFamilies(t testing.TB) []portraitFamily {
	t.Helper()
	face := realPortrait(t)
	i := 0
	// card puts a portrait on alternately a TD1 card and a TD3 page of
	// 600, 800 or 1000 px, as a JPEG at quality 75.
	card := func(ph image.Image) image.Image {
		i++
		lines := [][]string{mrztest.TD1, mrztest.TD3}[i%2]
		return jpegRoundTrip(t, portraitCard(t, lines, ph, []int{500, 650, 800}[i%3]), 75)
	}
	var clean, aged, holo, severe, guilloche, engraved, small, smallHard, none []image.Image
	for range 4 {
		clean = append(clean, card(face))
	}
	for _, sepia := range []bool{false, true} {
		for _, c := range []float64{0.3, 0.15, 0.1, 0.07} {
			aged = append(aged, card(agedPhoto(soften(face, 2), sepia, c, 8, uint64(i))))
		}
	}
	for _, op := range []float64{0.4, 0.6} {
		for _, pitch := range []float64{3, 5} {
			holo = append(holo, card(hologram(face, op, pitch, uint64(i))))
		}
	}
	for _, op := range []float64{0.75, 0.9} {
		for _, pitch := range []float64{3, 5} {
			severe = append(severe, card(hologram(face, op, pitch, uint64(i))))
		}
	}
	for _, strength := range []float64{0.6, 0.8, 1} {
		for _, pitch := range []float64{4, 7} {
			guilloche = append(guilloche, card(overprint(face, strength, pitch)))
		}
	}
	for k := range 6 {
		// The screen is made at the printed size, as an engraver would:
		// lines of 3 to 6 px, 35 to 85 of them across the photo.
		pitch, w := []float64{3, 4, 6}[k%3], []int{650, 800, 1000}[(k+k/3)%3]
		ph := lineScreen(scaleTo(face, 320*w/1000, 400*w/1000), pitch, float64(45*(k/3)))
		engraved = append(engraved, portraitCard(t, [][]string{mrztest.TD1, mrztest.TD3}[k%2], ph, w))
	}
	for _, w := range []int{240, 270, 300, 340} {
		for k, lines := range [][]string{mrztest.TD1, mrztest.TD3} {
			small = append(small, jpegRoundTrip(t, gaussianBlur(portraitCard(t, lines, face, w), 0.7), 60))
			old := agedPhoto(hologram(face, 0.6, 4, uint64(w)), k == 0, 0.2, 8, uint64(w))
			smallHard = append(smallHard, jpegRoundTrip(t, gaussianBlur(portraitCard(t, lines, old, w), 0.7), 50))
		}
	}
	none = append(none,
		portraitCard(t, mrztest.TD1, nil, 1000), portraitCard(t, mrztest.TD3, nil, 700), portraitCard(t, mrztest.TD1, nil, 300),
		cardFront(t, 1600, 1010, nil), textPage(t, 1000, 700, 1), textPage(t, 400, 280, 2),
		pattern(1000, 700, 0), pattern(1000, 700, 1), pattern(1000, 700, 2), pattern(400, 300, 2),
		jpegRoundTrip(t, pattern(600, 400, 2), 70), rotate180(face))
	for _, name := range []string{"go-turns-two-280x360.jpeg", "tux.png", "testpattern.png", "blue-purple-pink-large.png", "gopher-doc.8bpp.png", "bw-gopher.png"} {
		img := xImage(t, name)
		none = append(none, img)
		if name == "tux.png" || name == "go-turns-two-280x360.jpeg" {
			// A drawing where the photo belongs.
			none = append(none, portraitCard(t, mrztest.TD1, img, 800), portraitCard(t, mrztest.TD3, img, 400))
		}
	}
	return []portraitFamily{
		{"clean portrait", 1, 4, clean},
		{"aged: grey or sepia, contrast ×0.3–×0.07, grain, soft", 1, 8, aged},
		{"hologram over the photo, opacity 0.4–0.6", 1, 4, holo},
		{"hologram over the photo, opacity 0.75–0.9", 1, 2, severe},
		{"guilloche printed over the photo", 1, 6, guilloche},
		{"laser-engraved line screen, 3–6 px", 1, 6, engraved},
		{"small page, 240–340 px, JPEG q60", 1, 8, small},
		{"small page, aged under a hologram, JPEG q50", 1, 8, smallHard},
		{"no portrait: blank photo box, text, seals, patterns, drawings", 0, len(none), none},
	}
}

// The detection rates on portraits as documents print them, and on
// pictures without a face; each family must reach its least count.
func TestPortraitFamilies(t *testing.T) {
	t.Parallel()
	for _, fam := range buildPortraitFamilies(t) {
		ok := 0
		lowest, highest := float32(math.Inf(1)), float32(0)
		for _, img := range fam.imgs {
			faces := Faces(img)
			if len(faces) == fam.want {
				ok++
			}
			if fam.want == 1 && len(faces) > 0 {
				lowest = min(lowest, faces[0].Score)
			}
			if fam.want == 0 {
				if all := scanFaces(img, img.Bounds()); len(all) > 0 {
					highest = max(highest, all[0].q)
				}
			}
		}
		score := fmt.Sprintf("weakest face found %.0f", lowest)
		if fam.want == 0 {
			score = fmt.Sprintf("strongest candidate %.1f", highest)
		}
		t.Logf("%-62s %2d/%2d right, %s", fam.name, ok, len(fam.imgs), score)
		if ok < fam.min {
			t.Errorf("%s: %d of %d right, want at least %d", fam.name, ok, len(fam.imgs), fam.min)
		}
	}
}

// The smallest portrait faces found: cards of the three formats from 60
// to 120 px wide, whose portrait faces are 12 to 36 px, with the portrait
// clean, aged, under a hologram and under a guilloche, as JPEG q70. Each
// card's face size is the format's ratio of face to card width, measured
// on a 1000 px card, times its width.
func TestFaceDetectionSize(t *testing.T) {
	t.Parallel()
	face := realPortrait(t)
	photos := []image.Image{face, agedPhoto(soften(face, 2), true, 0.2, 8, 1), hologram(face, 0.5, 4, 2), overprint(face, 0.8, 5)}
	formats := [][]string{mrztest.TD1, mrztest.TD2, mrztest.TD3}
	ratio := make([]float64, len(formats))
	for k, lines := range formats {
		faces := Faces(portraitCard(t, lines, face, 1000))
		if len(faces) != 1 {
			t.Fatalf("%d-character format: %d faces on a clean 1000 px card", len(lines[0]), len(faces))
		}
		ratio[k] = float64(faces[0].Size) / 1000
	}
	bins := []int{0, 16, 20, 24, 28, 32, 1000} // face sizes, px
	found, total := make([]int, len(bins)), make([]int, len(bins))
	for w := 60; w <= 120; w += 10 {
		for k, lines := range formats {
			size := int(ratio[k] * float64(w))
			bin := 0
			for bin+1 < len(bins) && size >= bins[bin+1] {
				bin++
			}
			for _, ph := range photos {
				total[bin]++
				if len(Faces(jpegRoundTrip(t, portraitCard(t, lines, ph, w), 70))) == 1 {
					found[bin]++
				}
			}
		}
	}
	for i := range bins[:len(bins)-1] {
		if total[i] > 0 {
			t.Logf("faces %2d–%2d px: %2d/%2d found", bins[i], bins[i+1]-1, found[i], total[i])
		}
		if bins[i] >= 24 && found[i] < total[i] {
			t.Errorf("faces of %d–%d px: %d/%d found", bins[i], bins[i+1]-1, found[i], total[i])
		}
	}
}

// A ghost image, the small repeat of the portrait on many licences, is a
// second face but not a second person.
func TestPortrait(t *testing.T) {
	t.Parallel()
	face := realPortrait(t)
	for _, w := range []int{600, 1000} {
		img := toRGBA(portraitCard(t, mrztest.TD1, face, w))
		ghost := scaleTo(agedPhoto(face, false, 0.6, 0, 1), w*12/100, w*15/100)
		at := image.Pt(w*80/100, img.Bounds().Dy()*25/100)
		draw.Draw(img, ghost.Bounds().Add(at), ghost, image.Point{}, draw.Src)
		faces := Faces(img)
		p, n := Portrait(faces)
		t.Logf("%d px card: faces %v, portrait %+v, comparable %d", w, faces, p, n)
		if len(faces) != 2 || n != 1 || p.X > w/2 {
			t.Errorf("%d px card with a ghost image: faces %v, portrait %+v, %d comparable", w, faces, p, n)
		}
	}
	if p, n := Portrait(nil); n != 0 || p != (Face{}) {
		t.Errorf("no faces: %+v, %d", p, n)
	}
	two := []Face{{X: 10, Size: 100}, {X: 300, Size: 90}}
	if _, n := Portrait(two); n != 2 {
		t.Errorf("two similar faces: %d comparable", n)
	}
}

// FacesIn searches the located document, so the portrait of a card that
// fills a third of the frame is found although its face is far below a
// tenth of the frame.
func TestFacesIn(t *testing.T) {
	t.Parallel()
	doc := document(t, mrztest.TD1, 500, 0, nil)
	scene := jpegRoundTrip(t, place(doc, 1800, 1350, 4, darkTable), 85)
	q := Measure(scene)
	whole, in := Faces(scene), FacesIn(scene, q.Document)
	t.Logf("document %v; Faces %v; FacesIn %v", q.Document, whole, in)
	if len(whole) != 0 {
		t.Errorf("Faces found %v below a tenth of the frame", whole)
	}
	if len(in) != 1 || !image.Pt(in[0].X, in[0].Y).In(q.Document) {
		t.Errorf("FacesIn(%v) = %v, want the portrait", q.Document, in)
	}
	if f := FacesIn(scene, image.Rect(-50, -50, -10, -10)); f != nil {
		t.Errorf("outside the image: %v", f)
	}
}

// xImage reads a test image from golang.org/x/image's testdata in the
// module cache.
func xImage(t testing.TB, name string) image.Image {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/image").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		needTool(t, "the golang.org/x/image module directory", err)
	}
	f, err := os.Open(filepath.Join(dir, "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func BenchmarkFaces(b *testing.B) {
	img := jpegRoundTrip(b, cardFront(b, 1600, 1000, pigoSample(b)), 90)
	b.ResetTimer()
	for b.Loop() {
		if n := len(Faces(img)); n != 1 {
			b.Fatalf("%d faces", n)
		}
	}
}
