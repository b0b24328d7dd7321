package face

import (
	"fmt"
	"math"
	"testing"
)

// TestLevels checks the plan of views on the sizes photos come in: a
// bounded number of detector runs, every level covering the whole image,
// tiles overlapping by more than the faces the level above misses, and
// successive levels close enough in scale.
func TestLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		w, h  int
		reach float64 // the smallest face width the plan must reach
	}{
		{480, 640, DefaultMinFace},
		{1300, 820, DefaultMinFace},
		{1920, 1080, DefaultMinFace},
		{4032, 3024, DefaultMinFace}, // 12 megapixels
		{3024, 4032, DefaultMinFace},
		{6000, 4000, DefaultMinFace}, // 24 megapixels
		{12000, 300, DefaultMinFace},
		{100, 100, DefaultMinFace},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%dx%d", tc.w, tc.h), func(t *testing.T) {
			plan, reached := levels(tc.w, tc.h, DefaultMinFace)
			n := 0
			for _, l := range plan {
				n += len(l)
			}
			t.Logf("%d levels, %d views, faces from %.0f px", len(plan), n, reached)
			if n > maxViews {
				t.Errorf("%d views > %d", n, maxViews)
			}
			if reached > tc.reach {
				t.Errorf("faces from %.0f px, want %.0f", reached, tc.reach)
			}
			for k, tiles := range plan {
				if k > 0 && plan[k-1][0].side/tiles[0].side > levelRatio*1.001 {
					t.Errorf("level %d: side %.0f after %.0f", k, tiles[0].side, plan[k-1][0].side)
				}
				covered(t, tc.w, tc.h, tiles)
				if k == 0 {
					continue
				}
				// A face the level above finds only from 1.3 times its
				// smallest must lie whole in some tile, wherever it is.
				need := viewMinFace * plan[k-1][0].side
				for _, v := range tiles {
					for _, u := range tiles {
						ox := min(v.x0+v.side, u.x0+u.side) - max(v.x0, u.x0)
						oy := min(v.y0+v.side, u.y0+u.side) - max(v.y0, u.y0)
						adjacent := (v.x0 < u.x0 && math.Abs(v.y0-u.y0) < 1) || (v.y0 < u.y0 && math.Abs(v.x0-u.x0) < 1)
						if adjacent && ox > 0 && oy > 0 && min(ox, oy) < need && min(ox, oy) < tiles[0].side/2-1 {
							t.Errorf("level %d: tiles at (%.0f,%.0f) and (%.0f,%.0f) overlap by %.0f < %.0f", k, v.x0, v.y0, u.x0, u.y0, min(ox, oy), need)
						}
					}
				}
			}
		})
	}
}

// covered checks that every pixel of a w×h image lies in a tile.
func covered(t *testing.T, w, h int, tiles []view) {
	t.Helper()
	for y := 0; y < h; y += max(1, h/50) {
		for x := 0; x < w; x += max(1, w/50) {
			in := false
			for _, v := range tiles {
				in = in || (float64(x) >= v.x0 && float64(x) < v.x0+v.side && float64(y) >= v.y0 && float64(y) < v.y0+v.side)
			}
			if !in {
				t.Fatalf("(%d, %d) is in no tile", x, y)
			}
		}
	}
}

// TestAlignment places the crop as described: the centroid of the eyes and
// the mouth at (0.5, 0.43) of the side, the eyes level, the side the mean
// eye–mouth distance over 0.45.
func TestAlignment(t *testing.T) {
	t.Parallel()
	for _, deg := range []float64{0, 12, -30} {
		a := deg * math.Pi / 180
		rot := func(x, y float64) Point {
			return Point{300 + x*math.Cos(a) - y*math.Sin(a), 200 + x*math.Sin(a) + y*math.Cos(a)}
		}
		var f Face
		f.Keypoints[LeftEye], f.Keypoints[RightEye], f.Keypoints[Mouth] = rot(-30, 0), rot(30, 0), rot(0, 54)
		v := alignment(f)
		eyeMouth := math.Hypot(30, 54)
		side := eyeMouth / alignEyeMouth
		cx, cy := v.at(alignCentroidX*DescriptorInput, alignCentroidY*DescriptorInput)
		want := rot(0, 18) // the centroid
		if math.Hypot(cx-want.X, cy-want.Y) > 1e-9 {
			t.Errorf("%v°: centroid at (%.2f, %.2f), want %v", deg, cx, cy, want)
		}
		if got := math.Hypot(v.ax[0], v.ax[1]) * DescriptorInput; math.Abs(got-side) > 1e-9 {
			t.Errorf("%v°: side %.2f, want %.2f", deg, got, side)
		}
		// Along a crop row the image moves along the eye line.
		if got := math.Atan2(v.ax[1], v.ax[0]) * 180 / math.Pi; math.Abs(got-deg) > 1e-9 {
			t.Errorf("%v°: rows at %.2f°", deg, got)
		}
	}
}

// TestTurnInvariance: Face.Turn does not change when the picture is moved,
// turned, scaled or narrowed horizontally, and it follows the nose.
func TestTurnInvariance(t *testing.T) {
	t.Parallel()
	base := Face{}
	base.Keypoints[LeftEye], base.Keypoints[RightEye] = Point{100, 100}, Point{160, 100}
	base.Keypoints[Nose], base.Keypoints[Mouth] = Point{136, 135}, Point{130, 160}
	want := 0.1 // (136 − 130) / 60
	move := func(f Face, m func(Point) Point) Face {
		for i := range f.Keypoints {
			f.Keypoints[i] = m(f.Keypoints[i])
		}
		return f
	}
	for name, m := range map[string]func(Point) Point{
		"as is":   func(p Point) Point { return p },
		"shifted": func(p Point) Point { return Point{p.X + 40, p.Y - 17} },
		"scaled":  func(p Point) Point { return Point{2.5 * p.X, 2.5 * p.Y} },
		"turned": func(p Point) Point {
			return Point{p.X*math.Cos(0.4) - p.Y*math.Sin(0.4), p.X*math.Sin(0.4) + p.Y*math.Cos(0.4)}
		},
		"narrowed": func(p Point) Point { return Point{0.6 * p.X, p.Y} },
	} {
		if got := move(base, m).Turn(); math.Abs(got-want) > 1e-9 {
			t.Errorf("%s: %.4f, want %.4f", name, got, want)
		}
	}
	var flat Face
	if flat.Turn() != 0 {
		t.Error("a face without keypoints turned")
	}
}

// TestLevelsBounded: a photo too large to search for 40-pixel faces within
// maxViews gets a coarser plan, not more runs.
func TestLevelsBounded(t *testing.T) {
	t.Parallel()
	plan, reached := levels(12000, 12000, DefaultMinFace)
	n := 0
	for _, l := range plan {
		n += len(l)
	}
	if n > maxViews || reached <= DefaultMinFace {
		t.Errorf("%d views, faces from %.0f px", n, reached)
	}
	t.Logf("12000×12000: %d views, faces from %.0f px", n, reached)
}
