package docimage

import (
	"image"
	"math"
	"sort"

	pigo "github.com/esimov/pigo/core"
)

// detection is a face candidate in pixels of the searched region: its
// centre, the side of its square and its score.
type detection struct {
	x, y, size float64
	q          float32
}

// scanFaces runs the cascade over an image pyramid of the part r of img
// and returns the merged detections, strongest first, whatever their
// score, in coordinates relative to r.Min.
//
// The pyramid's first level is sized so that the smallest face searched
// for is faceBand pixels; each next level halves the previous one by
// averaging 2×2 pixels. On every level the cascade only tries windows of
// faceBand up to twice that, so each face size is searched for on exactly
// one level, on pixels that average the picture down to that size.
func scanFaces(img image.Image, r image.Rectangle) []detection {
	w, h := r.Dx(), r.Dy()
	short := min(w, h)
	minFace := max(MinFacePixels, MinFaceFraction*float64(short))
	if minFace > float64(short) {
		return nil
	}
	s := min(faceBand/minFace, maxEnlarge)
	lw, lh := max(1, int(math.Round(float64(w)*s))), max(1, int(math.Round(float64(h)*s)))
	var base *rgbPlanes
	if lw <= w && lh <= h {
		base = shrinkRect(img, r, lw, lh)
	} else {
		base = enlarge(shrinkRect(img, r, w, h), lw, lh)
	}
	base0 := base.gray()
	bw, bh := lw, lh
	g := base0
	pg := classifier()
	var raw []detection
	for level := 0; ; level++ {
		// Source pixels per level pixel, per axis.
		fx, fy := float64(w)/float64(lw), float64(h)/float64(lh)
		ls := min(lw, lh)
		lo, hi := faceBand, int(math.Ceil(faceBand*levelStep))-1
		if level == 0 {
			lo = int(math.Ceil(minFace / fx))
		}
		last := float64(ls)/levelStep < faceBand
		if last {
			hi = ls
		}
		if lo <= min(hi, ls) {
			params := pigo.CascadeParams{
				MinSize:     lo,
				MaxSize:     min(hi, ls),
				ShiftFactor: faceShift,
				ScaleFactor: faceScale,
				ImageParams: pigo.ImageParams{Pixels: stretch(g), Rows: lh, Cols: lw, Dim: lw},
			}
			for _, d := range pg.RunCascade(params, 0) {
				raw = append(raw, detection{
					x:    (float64(d.Col) + 0.5) * fx,
					y:    (float64(d.Row) + 0.5) * fy,
					size: float64(d.Scale) * math.Sqrt(fx*fy),
					q:    d.Q,
				})
			}
		}
		if last {
			break
		}
		f := math.Pow(levelStep, float64(level+1))
		lw, lh = max(1, int(float64(bw)/f)), max(1, int(float64(bh)/f))
		g = reduce(base0, bw, bh, lw, lh)
	}
	return dropNested(cluster(raw))
}

// stretch quantises a luma plane to bytes, spreading the levels between
// its 1st and 99th percentiles over 0–255. The cascade compares pairs of
// pixels, which no monotonic change of contrast alters, but a faded
// portrait that spans a few dozen levels rounds to many equal pixels, and
// equal pixels make the comparisons the cascade was not trained on.
func stretch(g []float32) []uint8 {
	var hist [256]int
	for _, v := range g {
		hist[int(min(max(v, 0), 255))]++
	}
	cut := len(g) / 100
	lo, hi := 0, 255
	for n := 0; lo < 255; lo++ {
		if n += hist[lo]; n > cut {
			break
		}
	}
	for n := 0; hi > 0; hi-- {
		if n += hist[hi]; n > cut {
			break
		}
	}
	off, k := float32(0), float32(1)
	if hi-lo >= 16 { // a flat image keeps its levels: there is nothing to stretch
		off, k = float32(lo), 255/float32(hi+1-lo)
	}
	out := make([]uint8, len(g))
	for i, v := range g {
		out[i] = uint8(min(max((v-off)*k, 0), 255) + 0.5)
	}
	return out
}

// reduce averages a w×h plane down to ow×oh (each no larger), every
// source pixel going into exactly one output pixel.
func reduce(g []float32, w, h, ow, oh int) []float32 {
	out := make([]float32, ow*oh)
	cnt := make([]float32, ow*oh)
	for y := 0; y < h; y++ {
		oy := y * oh / h
		for x := 0; x < w; x++ {
			o := oy*ow + x*ow/w
			out[o] += g[y*w+x]
			cnt[o]++
		}
	}
	for i := range out {
		out[i] /= cnt[i]
	}
	return out
}

// cluster merges windows that overlap by more than faceCluster
// (intersection over union), strongest first, into one detection each
// whose position and size are the mean of its windows and whose score is
// their sum: a face fires many windows at neighbouring positions and
// sizes, texture a few.
func cluster(raw []detection) []detection {
	sort.Slice(raw, func(i, j int) bool { return raw[i].q > raw[j].q })
	used := make([]bool, len(raw))
	var out []detection
	for i := range raw {
		if used[i] {
			continue
		}
		var c detection
		n := 0.0
		for j := i; j < len(raw); j++ {
			if !used[j] && iou(raw[i], raw[j]) > faceCluster {
				used[j] = true
				c.x, c.y, c.size, c.q = c.x+raw[j].x, c.y+raw[j].y, c.size+raw[j].size, c.q+raw[j].q
				n++
			}
		}
		c.x, c.y, c.size = c.x/n, c.y/n, c.size/n
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].q > out[j].q })
	return out
}

// iou is the intersection over union of two detections' squares.
func iou(a, b detection) float64 {
	ox := math.Min(a.x+a.size/2, b.x+b.size/2) - math.Max(a.x-a.size/2, b.x-b.size/2)
	oy := math.Min(a.y+a.size/2, b.y+b.size/2) - math.Max(a.y-a.size/2, b.y-b.size/2)
	if ox <= 0 || oy <= 0 {
		return 0
	}
	return ox * oy / (a.size*a.size + b.size*b.size - ox*oy)
}

// dropNested removes detections whose centre lies inside a stronger one.
// Clustering by overlap merges windows of similar size; a face also fires
// windows of quite different sizes (the eyes-and-nose region, the head
// with hair) that overlap too little to merge but are the same face.
func dropNested(dets []detection) []detection {
	var out []detection
	for _, d := range dets {
		inside := false
		for _, k := range out {
			if math.Abs(d.x-k.x) <= k.size/2 && math.Abs(d.y-k.y) <= k.size/2 {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, d)
		}
	}
	return out
}
