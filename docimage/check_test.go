package docimage

import (
	"image"
	"math"
	"strings"
	"testing"

	"github.com/idproof/idproof/mrzread"
	"github.com/idproof/idproof/mrzread/mrztest"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	good := Quality{Width: 1600, Height: 1010, Document: image.Rect(0, 0, 1600, 1010), Sharpness: 1700, Glare: 0.001}
	with := func(edit func(*Quality)) Quality {
		q := good
		edit(&q)
		return q
	}
	type want struct {
		code         string
		value, limit float64
		text         string
	}
	tests := []struct {
		name string
		t    Thresholds
		q    Quality
		want []want
	}{
		{"good", DefaultThresholds, good, nil},
		{"a small image whose MRZ is legible", DefaultThresholds, with(func(q *Quality) {
			q.Width, q.Height, q.Document = 348, 219, image.Rect(0, 0, 348, 219)
			q.Features.MRZCharHeight = 10.2
		}), nil},
		{"small MRZ", DefaultThresholds, with(func(q *Quality) { q.Features.MRZCharHeight = 7 }),
			[]want{{"mrz_size", 7, 10, "the MRZ characters are 7.0 px high; 10 px are needed: move closer"}}},
		{"small face", DefaultThresholds, with(func(q *Quality) { q.Features.FaceSize = 25 }),
			[]want{{"face_size", 25, 32, "the face in the portrait is 25 px across; 32 px are needed: move closer"}}},
		{"a feature spares the document size", DefaultThresholds, with(func(q *Quality) {
			q.Document = image.Rect(10, 10, 280, 180)
			q.Features.FaceSize = 50
		}), nil},
		{"small document, no feature", DefaultThresholds, with(func(q *Quality) { q.Document = image.Rect(100, 100, 300, 226) }),
			[]want{{"document_size", 126, 220, "the document is 200×126 px in the image; its short side, 126 px, is below the 220 px needed: move closer"}}},
		{"no document: the image", DefaultThresholds, Quality{Width: 300, Height: 200, Sharpness: 100},
			[]want{{"document_size", 200, 220, "its short side, 200 px"}}},
		{"blur", DefaultThresholds, with(func(q *Quality) { q.Sharpness = 4.2 }),
			[]want{{"sharpness", 4.2, 15, "the image is blurred or out of focus (sharpness 4.2, 15.0 needed): hold the camera still"}}},
		{"glare", DefaultThresholds, with(func(q *Quality) { q.Glare = 0.08 }),
			[]want{{"glare", 0.08, 0.02, "glare covers 8.0% of the document; at most 2.0% is allowed: tilt the document or move away from the light"}}},
		{"everything, in order", DefaultThresholds, with(func(q *Quality) {
			q.Features = Features{MRZCharHeight: 8, FaceSize: 30}
			q.Sharpness, q.Glare = 1, 0.5
		}), []want{{"mrz_size", 8, 10, ""}, {"face_size", 30, 32, ""}, {"sharpness", 1, 15, ""}, {"glare", 0.5, 0.02, ""}}},
		{"selfie thresholds: the image's size", Thresholds{MinShortSide: 240, MinSharpness: 2, MaxGlare: 0.15},
			Quality{Width: 320, Height: 200, Sharpness: 7},
			[]want{{"image_size", 200, 240, "the image is 320×200 px; its short side, 200 px, is below the 240 px needed"}}},
		{"zero limits are not checked", Thresholds{}, Quality{Sharpness: 0, Glare: 1}, nil},
	}
	for _, tc := range tests {
		var got []want
		for _, p := range tc.t.Check(tc.q) {
			if !strings.HasSuffix(p.Message, ": "+p.Hint) || p.Hint == "" {
				t.Errorf("%s: message %q does not end with its hint %q", tc.name, p.Message, p.Hint)
			}
			wantCheck := map[string]string{"sharpness": "blur", "glare": "glare"}[p.Code]
			if wantCheck == "" {
				wantCheck = "resolution"
			}
			if p.Check != wantCheck {
				t.Errorf("%s: %s has Check %q", tc.name, p.Code, p.Check)
			}
			got = append(got, want{p.Code, p.Value, p.Limit, p.Message})
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: problems %+v, want %+v", tc.name, got, tc.want)
			continue
		}
		for i, w := range tc.want {
			g := got[i]
			if g.code != w.code || g.value != w.value || g.limit != w.limit || !strings.Contains(g.text, w.text) {
				t.Errorf("%s: problem %d = %+v, want %+v", tc.name, i, g, w)
			}
		}
	}
}

func TestMRZCharHeight(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		box  image.Rectangle
		n    int
		want float64
	}{
		{image.Rect(10, 500, 310, 560), 30, 9.7},
		{image.Rect(0, 0, 440, 40), 44, 9.7},
		{image.Rect(0, 0, 0, 40), 44, 0},
		{image.Rect(0, 0, 100, 40), 0, 0},
		{image.Rect(0, 0, 100, 40), -3, 0},
	} {
		if got := MRZCharHeight(tc.box, tc.n); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("MRZCharHeight(%v, %d) = %v, want %v", tc.box, tc.n, got, tc.want)
		}
	}
}

// MRZCharHeight of what the MRZ reader returns agrees with the capital
// height the documents were drawn with.
func TestMRZCharHeightOfReadings(t *testing.T) {
	t.Parallel()
	mrztest.Require(t)
	for _, lines := range [][]string{mrztest.TD1, mrztest.TD2, mrztest.TD3} {
		for _, ch := range []float64{14, 24} {
			img, err := mrztest.Card(lines, nil, mrztest.Options{CharHeight: ch, Border: 20})
			if err != nil {
				t.Fatal(err)
			}
			r, err := mrzread.Read(img)
			if err != nil {
				t.Errorf("%d×%d MRZ at %v px: %v", len(lines), len(lines[0]), ch, err)
				continue
			}
			got := MRZCharHeight(r.Box, len(r.Lines[0]))
			t.Logf("%d×%d MRZ drawn at %v px: box %v, MRZCharHeight %.2f", len(lines), len(lines[0]), ch, r.Box, got)
			if got < 0.9*ch || got > 1.1*ch {
				t.Errorf("%d×%d MRZ drawn at %v px: MRZCharHeight %.2f", len(lines), len(lines[0]), ch, got)
			}
		}
	}
}
