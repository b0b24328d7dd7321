package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// The screenshots of docs/capture.md: with IDPROOF_DOCS_SCREENSHOTS=1 the
// browser runs write docs/capture/<screen>-<width>.png, one per screen
// and viewport width, for the screens each page was asked to photograph
// (pageOptions.docs). Without it nothing is written, so CI never changes
// tracked files.

// docsShots are the screenshots this test binary has written.
var docsShots struct {
	sync.Mutex
	taken map[string]bool
}

// docsScreenshot saves what the page shows when screen is one of the
// page's documented screens, the first time it is shown at this width.
func (p *page) docsScreenshot(screen string) {
	if os.Getenv("IDPROOF_DOCS_SCREENSHOTS") != "1" || !slices.Contains(p.docs, screen) {
		return
	}
	width := eval[int](p, `window.innerWidth`)
	name := fmt.Sprintf("%s-%d.png", screen, width)
	docsShots.Lock()
	if docsShots.taken == nil {
		docsShots.taken = map[string]bool{}
	}
	done := docsShots.taken[name]
	docsShots.taken[name] = true
	docsShots.Unlock()
	if done {
		return
	}
	// The pointer away from the buttons, so none is drawn hovered.
	p.do("move the pointer away", chromedp.MouseEvent("mouseMoved", 0, 0))
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Errorf("screenshot for the documentation: %v", err)
		return
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		p.t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, quantize(img)); err != nil {
		p.t.Fatal(err)
	}
	path := filepath.Join("..", "..", "docs", "capture", name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("wrote %s (%d kB)", path, buf.Len()/1000)
}

// weighted is a colour and how many pixels have it.
type weighted struct {
	c color.RGBA
	n int
}

// quantize makes img a paletted image, which PNG stores in a third of the
// space: exactly when it has at most 256 colours (the page's own screens,
// nearly), else with its 64 most frequent colours kept exact (the page's
// flat backgrounds and text stay clean) and 192 more by median cut for
// the photographs, dithered.
func quantize(img image.Image) *image.Paletted {
	b := img.Bounds()
	counts := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			counts[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}]++
		}
	}
	list := make([]weighted, 0, len(counts))
	for c, n := range counts {
		list = append(list, weighted{c, n})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].n > list[j].n })
	out := image.NewPaletted(b, nil)
	if len(list) <= 256 {
		for _, w := range list {
			out.Palette = append(out.Palette, w.c)
		}
		draw.Draw(out, b, img, b.Min, draw.Src)
		return out
	}
	const exact = 64
	for _, w := range list[:exact] {
		out.Palette = append(out.Palette, w.c)
	}
	out.Palette = append(out.Palette, medianCut(list[exact:], 256-exact)...)
	draw.FloydSteinberg.Draw(out, b, img, b.Min)
	return out
}

// medianCut chooses n colours for colors: it splits the box of colours
// whose widest channel spreads most (weighted by its pixels) at its
// weighted median, until there are n boxes, and takes each box's mean.
func medianCut(colors []weighted, n int) color.Palette {
	channel := func(c color.RGBA, k int) int { return int([3]uint8{c.R, c.G, c.B}[k]) }
	widest := func(box []weighted) (spread, k int) {
		for ch := range 3 {
			lo, hi := 255, 0
			for _, w := range box {
				lo, hi = min(lo, channel(w.c, ch)), max(hi, channel(w.c, ch))
			}
			if hi-lo > spread {
				spread, k = hi-lo, ch
			}
		}
		return spread, k
	}
	pixels := func(box []weighted) (total int) {
		for _, w := range box {
			total += w.n
		}
		return total
	}
	boxes := [][]weighted{colors}
	for len(boxes) < n {
		at, score, k := -1, -1, 0
		for i, box := range boxes {
			if len(box) < 2 {
				continue
			}
			s, ch := widest(box)
			if v := s * s * pixels(box); v > score {
				at, score, k = i, v, ch
			}
		}
		if at < 0 {
			break
		}
		box := boxes[at]
		sort.Slice(box, func(i, j int) bool { return channel(box[i].c, k) < channel(box[j].c, k) })
		half, acc, cut := pixels(box)/2, 0, len(box)-1
		for i, w := range box {
			if acc += w.n; acc >= half {
				cut = min(max(i, 1), len(box)-1)
				break
			}
		}
		boxes = slices.Replace(boxes, at, at+1, box[:cut], box[cut:])
	}
	pal := make(color.Palette, 0, len(boxes))
	for _, box := range boxes {
		var r, g, bl int
		for _, w := range box {
			r, g, bl = r+int(w.c.R)*w.n, g+int(w.c.G)*w.n, bl+int(w.c.B)*w.n
		}
		t := pixels(box)
		pal = append(pal, color.RGBA{uint8(r / t), uint8(g / t), uint8(bl / t), 255})
	}
	return pal
}
