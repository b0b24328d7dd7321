package docimage

import "image"

// GlareLevel is the value (0–255) that every colour channel of a working
// pixel must reach for the pixel to count as a specular highlight. A camera
// clips a reflection of a lamp to pure white; a correctly exposed white card
// stock or paper background sits well below (200–235), and anything with a
// colour cast has at least one channel below. So "all channels ≥ 245" means
// near-white and unsaturated, with a margin for JPEG ringing around 255.
const GlareLevel = 245

// whiteBackground is the share of the picture's edge that must be clipped
// white for clipped regions reaching the edge to count as background: the
// white of a scanner's lid or of paper under a lamp, which shows all round
// a document. A reflection that runs off the edge of a card filling the
// frame covers far less of the edge.
const whiteBackground = 0.5

// glare returns the largest 4-connected region of highlight pixels inside
// the document region, as a share of the region's area, and its bounding
// box in working pixels.
//
// Only the largest region counts: a reflection is one contiguous hot spot
// that hides whatever is under it, whereas white lettering, hologram
// sparkle or specks of a bright background are many small regions that
// hide nothing and would otherwise add up. When the background is clipped
// white, clipped regions connected to the picture's edge are that
// background, or the document's own white paper merging into it; a card
// whose stock clips to the same white as the scanner's lid cannot show a
// reflection on that stock anyway. The price is that a reflection reaching
// the edge of a card that lies on clipped white merges with it and is not
// counted; scanners light evenly, and a photo on a white table seldom
// clips the table.
func glare(p *rgbPlanes, reg region) (float64, image.Rectangle) {
	w, h := p.w, p.h
	n := w * h
	hot := make([]bool, n)
	for i := range hot {
		hot[i] = p.r[i] >= GlareLevel && p.g[i] >= GlareLevel && p.b[i] >= GlareLevel
	}
	var stack []int32
	// flood clears the highlight region containing start and returns its
	// size and bounds; with inside set it stays within the region.
	flood := func(start int, inside bool) (int, image.Rectangle) {
		hot[start] = false
		stack = append(stack[:0], int32(start))
		size := 0
		var box image.Rectangle
		for len(stack) > 0 {
			i := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			size++
			x, y := i%w, i/w
			box = box.Union(image.Rect(x, y, x+1, y+1))
			for _, j := range [4]int{i - w, i + w, i - 1, i + 1} {
				if j < 0 || j >= n || (j == i-1 && x == 0) || (j == i+1 && x == w-1) || !hot[j] {
					continue
				}
				if inside {
					if l, r := reg.span(j / w); j%w < l || j%w >= r {
						continue
					}
				}
				hot[j] = false
				stack = append(stack, int32(j))
			}
		}
		return size, box
	}
	if reg.ringHot >= whiteBackground {
		for x := 0; x < w; x++ {
			for _, i := range [2]int{x, (h-1)*w + x} {
				if hot[i] {
					flood(i, false)
				}
			}
		}
		for y := 0; y < h; y++ {
			for _, i := range [2]int{y * w, y*w + w - 1} {
				if hot[i] {
					flood(i, false)
				}
			}
		}
	}
	largest := 0
	var where image.Rectangle
	for y := 0; y < h; y++ {
		l, r := reg.span(y)
		for x := l; x < r; x++ {
			if i := y*w + x; hot[i] {
				if size, box := flood(i, true); size > largest {
					largest, where = size, box
				}
			}
		}
	}
	if reg.area == 0 {
		return 0, image.Rectangle{}
	}
	return float64(largest) / float64(reg.area), where
}
