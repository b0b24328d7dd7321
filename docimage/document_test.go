package docimage

import (
	"image"
	"image/color"
	"strings"
	"testing"

	"github.com/idproof/idproof/mrzread/mrztest"
)

// formatWidth is the width in millimetres of the ICAO format whose MRZ
// lines have n characters.
var formatWidth = map[int]float64{30: 85.6, 36: 105, 44: 125}

// scene is a document image as the verifier receives it, with what the
// verifier would have read from it.
type scene struct {
	name  string
	img   image.Image
	truth image.Rectangle // where the document is, when placed unturned
	lines []string        // the MRZ drawn, nil for none
	width int             // the document's width in pixels
	want  string          // the failed measures (Problem.Code), space-separated
}

// features returns what a verifier reads from s: the MRZ's capital height
// (computed from the drawing, which TestMRZCharHeightOfReadings shows
// MRZCharHeight of the reader's box agrees with) and the portrait.
func (s scene) features(q Quality) Features {
	var f Features
	if len(s.lines) > 0 {
		n := len(s.lines[0])
		f.MRZCharHeight = ocrbCapRatio * 2.54 * float64(s.width) / formatWidth[n]
	}
	if p, n := Portrait(FacesIn(s.img, q.Document)); n > 0 {
		f.FaceSize = p.Size
	}
	return f
}

func documentScenes(t testing.TB) []scene {
	t.Helper()
	td1 := document(t, mrztest.TD1, 830, 0, nil)
	onWhite := place(td1, 1334, 880, 0, whiteScan)
	white := document(t, mrztest.TD1, 830, 0, color.White)
	tableCard := document(t, mrztest.TD1, 900, 0, nil)
	onTable := place(tableCard, 1600, 1200, 0, darkTable)
	td3 := document(t, mrztest.TD3, 1200, 0, nil)
	small := document(t, mrztest.TD1, 350, 0, nil)
	page := document(t, mrztest.TD3, 520, 0, nil)
	licence := document(t, nil, 270, 0, nil)
	tiny := document(t, mrztest.TD1, 270, 0, nil)
	blank, err := mrztest.Card(nil, nil, mrztest.Options{Width: 200})
	if err != nil {
		t.Fatal(err)
	}
	px := 1334.0 / WorkingSide // image pixels per working pixel
	return []scene{
		// Genuine, sharp and well lit: none may fail.
		{"scan on white, 1334×880", onWhite, inset(td1, 1334, 880), mrztest.TD1, 830, ""},
		{"scan on white, askew 3°", place(td1, 1334, 880, 3, whiteScan), image.Rectangle{}, mrztest.TD1, 830, ""},
		{"scan on white, white card stock", place(white, 1334, 880, 0, whiteScan), inset(white, 1334, 880), mrztest.TD1, 830, ""},
		{"scan on white, 400 px card", place(document(t, mrztest.TD1, 400, 0, nil), 600, 450, 0, whiteScan), image.Rect(100, 99, 500, 351), mrztest.TD1, 400, ""},
		{"scan on white, 2400 px card at 300 dpi", place(document(t, mrztest.TD1, 2400, 0, nil), 3000, 2000, 1, whiteScan), image.Rectangle{}, mrztest.TD1, 2400, ""},
		{"photo on a dark table, JPEG", jpegRoundTrip(t, onTable, 85), inset(tableCard, 1600, 1200), mrztest.TD1, 900, ""},
		{"photo on a dark table, askew 8°", jpegRoundTrip(t, place(tableCard, 1600, 1200, 8, darkTable), 85), image.Rectangle{}, mrztest.TD1, 900, ""},
		{"passport page on a table", jpegRoundTrip(t, place(td3, 1600, 1200, -4, darkTable), 85), image.Rectangle{}, mrztest.TD3, 1200, ""},
		{"passport page, cropped", document(t, mrztest.TD3, 1400, 0, nil), image.Rect(0, 0, 1400, 986), mrztest.TD3, 1400, ""},
		{"card a third of the frame", jpegRoundTrip(t, place(document(t, mrztest.TD1, 600, 0, nil), 2000, 1500, 20, darkTable), 85), image.Rectangle{}, mrztest.TD1, 600, ""},
		{"350 px card, MRZ at 10 px", jpegRoundTrip(t, small, 85), image.Rect(0, 0, 350, 221), mrztest.TD1, 350, ""},
		{"350 px card on white", place(small, 480, 320, 0, whiteScan), inset(small, 480, 320), mrztest.TD1, 350, ""},
		{"520 px passport page", jpegRoundTrip(t, page, 85), image.Rect(0, 0, 520, 366), mrztest.TD3, 520, ""},
		{"270 px licence without MRZ", jpegRoundTrip(t, licence, 85), image.Rect(0, 0, 270, 170), nil, 270, ""},
		// The failures that must still be caught.
		{"glare spot on the scanned card", glareOn(onWhite, inset(td1, 1334, 880), 0.03, 0.6, 0.45), inset(td1, 1334, 880), mrztest.TD1, 830, "glare"},
		{"glare spot on the card on a table", glareOn(onTable, inset(tableCard, 1600, 1200), 0.03, 0.6, 0.45), inset(tableCard, 1600, 1200), mrztest.TD1, 900, "glare"},
		{"glare spot at the card's edge", glareOn(onTable, inset(tableCard, 1600, 1200), 0.03, 0.95, 0.5), inset(tableCard, 1600, 1200), mrztest.TD1, 900, "glare"},
		{"scan blurred σ=3", gaussianBlur(onWhite, 3*px), inset(td1, 1334, 880), mrztest.TD1, 830, "sharpness"},
		{"350 px card blurred σ=3", gaussianBlur(small, 3), image.Rect(0, 0, 350, 221), mrztest.TD1, 350, "sharpness"},
		{"270 px card, MRZ at 7.8 px", jpegRoundTrip(t, tiny, 85), image.Rect(0, 0, 270, 170), mrztest.TD1, 270, "mrz_size"},
		{"200 px card, nothing legible", place(blank, 300, 220, 0, whiteScan), inset(blank, 300, 220), nil, 200, "document_size"},
	}
}

// Genuine document images pass; the defects the thresholds are for fail,
// each on the measure meant to catch it. The located document matches
// where the document was placed.
func TestDocumentScenes(t *testing.T) {
	t.Parallel()
	for _, s := range documentScenes(t) {
		q := Measure(s.img)
		q.Features = s.features(q)
		var got []string
		for _, p := range DefaultThresholds.Check(q) {
			got = append(got, p.Code)
		}
		t.Logf("%-38s document %v (background %v), sharpness %6.0f, glare %.4f at %v, MRZ %.1f px, face %d px",
			s.name, q.Document, q.Background, q.Sharpness, q.Glare, q.GlareBox, q.Features.MRZCharHeight, q.Features.FaceSize)
		if g := strings.Join(got, " "); g != s.want {
			t.Errorf("%s: problems %q, want %q", s.name, g, s.want)
		}
		// Where the card's plain stock meets the picture's edge, or a
		// background of the same white, its edges cannot be seen: the
		// frame is taken.
		unseen := s.truth.Eq(s.img.Bounds()) || strings.Contains(s.name, "white card stock")
		if !s.truth.Empty() && !near(q.Document, s.truth, 0.05) && !(unseen && !q.Background && q.Document.Eq(s.img.Bounds())) {
			t.Errorf("%s: document %v, placed at %v", s.name, q.Document, s.truth)
		}
		if s.want == "glare" && !q.GlareBox.Overlaps(s.truth) {
			t.Errorf("%s: glare at %v, off the document %v", s.name, q.GlareBox, s.truth)
		}
	}
}

// near reports whether every edge of a is within frac of b's size of the
// same edge of b.
func near(a, b image.Rectangle, frac float64) bool {
	dx, dy := frac*float64(b.Dx()), frac*float64(b.Dy())
	d := func(u, v int, lim float64) bool { return float64(max(u-v, v-u)) <= lim }
	return d(a.Min.X, b.Min.X, dx) && d(a.Max.X, b.Max.X, dx) && d(a.Min.Y, b.Min.Y, dy) && d(a.Max.Y, b.Max.Y, dy)
}
