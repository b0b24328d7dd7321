package mrzread

import (
	"encoding/binary"
	"math"
)

// gray is an 8-bit luminance image with no stride padding.
type gray struct {
	pix  []uint8
	w, h int
}

// tile is the side, in pixels, of the squares over which binarize measures
// the local paper level and contrast: a few strokes wide for the largest
// characters the reader works with (about 50 pixels high at the working
// resolution), small enough that light falling off across a page, or the
// soft edge of a shadow, is nearly flat inside one.
const tile = 24

// minContrast is the difference, in grey levels, between the paper and the
// darkest print of a 3×3-tile window below which the window holds no ink at
// all: flat paper with sensor noise, faint security printing, a dark table.
const minContrast = 28

// inkRatio is the fraction of the local paper level below which a pixel is
// ink. Black print reflects a tenth of what the paper does, a grey or
// coloured one on a tinted card as much as three fifths (and the cores of
// small blurred strokes more); security patterns printed under the zone,
// four fifths or more. Measured on the corpus of the tests, 0.7 loses faint
// print and 0.84 merges the characters of small print.
const inkRatio = 0.78

// binarize marks ink. Print darkens the paper it is on by a fraction that
// is about the same all over a document, while the light falling on it is
// not: under uneven light one global threshold (Otsu's) takes paper in
// shadow for ink, or misses print in the light, and a threshold midway to
// the darkest pixel nearby misses faint print beside a dark table or
// portrait. So each pixel is compared with the local paper level, the 90th
// percentile of its tile interpolated between tile centres, times
// inkRatio.
//
// The mask holds 1 for ink and 0 for paper.
func binarize(g gray) []uint8 {
	tw, th := (g.w+tile-1)/tile, (g.h+tile-1)/tile
	lo := make([]uint8, tw*th)
	hi := make([]uint8, tw*th)
	var hist [256]int32
	for ty := range th {
		for tx := range tw {
			clear(hist[:])
			x0, y0 := tx*tile, ty*tile
			x1, y1 := min(x0+tile, g.w), min(y0+tile, g.h)
			for y := y0; y < y1; y++ {
				for _, v := range g.pix[y*g.w+x0 : y*g.w+x1] {
					hist[v]++
				}
			}
			n := int32((x1 - x0) * (y1 - y0))
			lo[ty*tw+tx], hi[ty*tw+tx] = percentile(&hist, n/20), percentile(&hist, n-n/10-1)
		}
	}
	// A tile may hold ink when the window around it has contrast.
	live := make([]bool, tw*th)
	for ty := range th {
		for tx := range tw {
			l, h := uint8(255), uint8(0)
			for y := max(ty-1, 0); y <= min(ty+1, th-1); y++ {
				for x := max(tx-1, 0); x <= min(tx+1, tw-1); x++ {
					l, h = min(l, lo[y*tw+x]), max(h, hi[y*tw+x])
				}
			}
			live[ty*tw+tx] = int(h)-int(l) >= minContrast
		}
	}
	mask := make([]uint8, len(g.pix))
	thr := make([]float32, tw) // ink below this, at the tile centres of this row
	for y := range g.h {
		// Tile centres above and below this row, and the weight of the
		// lower one.
		fy := (float64(y)+0.5)/tile - 0.5
		ty0 := min(max(int(math.Floor(fy)), 0), th-1)
		ty1 := min(ty0+1, th-1)
		wy := float32(min(max(fy-float64(ty0), 0), 1))
		for tx := range tw {
			thr[tx] = ((1-wy)*float32(hi[ty0*tw+tx]) + wy*float32(hi[ty1*tw+tx])) * inkRatio
		}
		row := g.pix[y*g.w : (y+1)*g.w]
		out := mask[y*g.w : (y+1)*g.w]
		lrow := live[(y/tile)*tw : (y/tile+1)*tw]
		for tx, ok := range lrow {
			if !ok {
				continue
			}
			// Across the row the threshold runs straight from one tile
			// centre to the next.
			x0, x1 := tx*tile, min((tx+1)*tile, g.w)
			left, right := thr[max(tx-1, 0)], thr[min(tx+1, tw-1)]
			t := thr[tx] + (thr[tx]-left)*(0.5-tile/2)/tile
			for x := x0; x < x1; x++ {
				if float32(row[x]) < t {
					out[x] = 1
				}
				if x-x0 < tile/2 {
					t += (thr[tx] - left) / tile
				} else {
					t += (right - thr[tx]) / tile
				}
			}
		}
	}
	return mask
}

// percentile returns the smallest level with more than k pixels at or
// below it.
func percentile(hist *[256]int32, k int32) uint8 {
	var sum int32
	for v, c := range hist {
		sum += c
		if sum > k {
			return uint8(v)
		}
	}
	return 255
}

// comp is a connected component of ink: its bounding box [x0, x1) × [y0, y1)
// and its pixel count.
type comp struct {
	x0, y0, x1, y1 int
	area           int
}

func (c comp) w() int      { return c.x1 - c.x0 }
func (c comp) h() int      { return c.y1 - c.y0 }
func (c comp) cx() float64 { return float64(c.x0+c.x1) / 2 }
func (c comp) cy() float64 { return float64(c.y0+c.y1) / 2 }

func (c *comp) add(o comp) {
	c.x0, c.y0 = min(c.x0, o.x0), min(c.y0, o.y0)
	c.x1, c.y1 = max(c.x1, o.x1), max(c.y1, o.y1)
	c.area += o.area
}

// components labels the 8-connected components of the ink of a w-pixel-wide
// mask. It works on horizontal runs, joined through a union-find, which
// needs memory proportional to the number of runs rather than pixels.
func components(mask []uint8, w int) []comp {
	type run struct{ x0, x1, id int }
	var (
		parent []int
		boxes  []comp
		prev   []run
		cur    []run
	)
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	h := 0
	if w > 0 {
		h = len(mask) / w
	}
	for y := range h {
		row := mask[y*w : (y+1)*w]
		cur = cur[:0]
		p := 0
		for x := 0; x < w; {
			if row[x] == 0 {
				// Most of a mask is paper: skip it eight pixels at a time.
				for x+8 <= w && binary.LittleEndian.Uint64(row[x:]) == 0 {
					x += 8
				}
				for x < w && row[x] == 0 {
					x++
				}
				continue
			}
			start := x
			for x < w && row[x] != 0 {
				x++
			}
			id := len(parent)
			parent = append(parent, id)
			boxes = append(boxes, comp{start, y, x, y + 1, x - start})
			// Runs of the previous row that touch this one, diagonals
			// included, belong to the same component.
			for p < len(prev) && prev[p].x1 < start {
				p++
			}
			for q := p; q < len(prev) && prev[q].x0 <= x; q++ {
				a, b := find(prev[q].id), find(id)
				if a != b {
					parent[b] = a
				}
			}
			cur = append(cur, run{start, x, id})
		}
		prev, cur = cur, prev
	}
	index := make([]int32, len(parent))
	var out []comp
	for i := range parent {
		r := find(i)
		if r == i {
			index[i] = int32(len(out))
			out = append(out, boxes[i])
		}
	}
	for i := range parent {
		if r := find(i); r != i {
			out[index[r]].add(boxes[i])
		}
	}
	return out
}
