package mrzread

// gray is an 8-bit luminance image with no stride padding.
type gray struct {
	pix  []uint8
	w, h int
}

// otsu returns the threshold that best separates the histogram of rows
// [y0, y1) into dark (ink, ≤ threshold) and light classes, and whether the
// two classes differ enough to contain print at all: a blank or nearly
// uniform region has no ink worth segmenting.
func otsu(g gray, y0, y1 int) (uint8, bool) {
	var hist [256]int
	for _, v := range g.pix[y0*g.w : y1*g.w] {
		hist[v]++
	}
	total := (y1 - y0) * g.w
	if total == 0 {
		return 0, false
	}
	var sumAll float64
	for i, c := range hist {
		sumAll += float64(i * c)
	}
	var (
		best              float64
		thr               int
		wB                int
		sumB              float64
		meanDark, meanLit float64
	)
	for t := range 255 {
		wB += hist[t]
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(t * hist[t])
		mB := sumB / float64(wB)
		mF := (sumAll - sumB) / float64(wF)
		between := float64(wB) * float64(wF) * (mB - mF) * (mB - mF)
		if between > best {
			best, thr, meanDark, meanLit = between, t, mB, mF
		}
	}
	// Print on a document is far darker than its paper; 40 levels keeps
	// faint textures and sensor noise from passing for ink.
	return uint8(thr), best > 0 && meanLit-meanDark >= 40
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

// components labels the 8-connected components of pixels ≤ thr in rows
// [y0, y1). It works on horizontal runs, joined through a union-find, which
// needs memory proportional to the number of runs rather than pixels.
func components(g gray, y0, y1 int, thr uint8) []comp {
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
	for y := y0; y < y1; y++ {
		row := g.pix[y*g.w : (y+1)*g.w]
		cur = cur[:0]
		p := 0
		for x := 0; x < g.w; {
			if row[x] > thr {
				x++
				continue
			}
			start := x
			for x < g.w && row[x] <= thr {
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
