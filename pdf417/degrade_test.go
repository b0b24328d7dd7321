package pdf417

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/idproof/idproof/internal/zxingtest"
)

// degradation is one way of spoiling a clean symbol image.
type degradation struct {
	group, name string
	apply       func(*image.Gray) *image.Gray
	jpeg        int // JPEG quality the file is saved at; 0 = PNG
}

func degradations() []degradation {
	var out []degradation
	for _, s := range []float64{0.5, 0.67, 1.5} {
		out = append(out, degradation{"scale", fmt.Sprintf("×%.2f", s), func(g *image.Gray) *image.Gray { return place(g, 0, s, 30) }, 0})
	}
	for deg := 0; deg < 360; deg += 15 {
		out = append(out, degradation{"rotation", fmt.Sprintf("%d°", deg), func(g *image.Gray) *image.Gray { return place(g, float64(deg), 1, 30) }, 0})
	}
	for _, s := range []float64{1, 1.5, 2, 2.5} {
		out = append(out, degradation{"blur", fmt.Sprintf("σ=%.1f px", s), func(g *image.Gray) *image.Gray { return blur(place(g, 0, 1, 30), s) }, 0})
	}
	for _, s := range []float64{15, 30, 45} {
		out = append(out, degradation{"noise", fmt.Sprintf("σ=%.0f", s), func(g *image.Gray) *image.Gray { return noise(place(g, 0, 1, 30), s, uint64(s)) }, 0})
	}
	for _, q := range []int{50, 25, 10} {
		out = append(out, degradation{"jpeg", fmt.Sprintf("q=%d", q), func(g *image.Gray) *image.Gray { return place(g, 0, 1, 30) }, q})
	}
	for _, k := range []float64{0.1, 0.2, 0.3} {
		for _, v := range []bool{false, true} {
			out = append(out, degradation{"perspective", fmt.Sprintf("keystone %.0f%% v=%v", 100*k, v), func(g *image.Gray) *image.Gray { return perspective(g, k, v, 30) }, 0})
		}
	}
	// Several at once: a tilted, blurred, noisy JPEG photo.
	for deg := 10; deg < 360; deg += 50 {
		out = append(out, degradation{"combined", fmt.Sprintf("%d° σ=1 noise 10 q=60", deg), func(g *image.Gray) *image.Gray {
			return noise(blur(place(g, float64(deg), 1, 30), 1), 10, uint64(deg))
		}, 60})
	}
	return out
}

// TestDegraded reads degraded images of AAMVA symbols with this package
// and with ZXingReader, and reports both rates per kind of degradation
// (PDF417_TABLE=file writes the table as Markdown). It fails only when
// this package falls clearly behind on the moderate degradations.
func TestDegraded(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	t.Parallel()
	writer, reader := zxingtest.Tools(t)
	var payloads [][]byte
	for _, p := range aamvaPayloads(t) {
		if strings.Contains(p.name, "licence-barcode") || strings.Contains(p.name, "crlf") || strings.Contains(p.name, "v01-dcs") {
			payloads = append(payloads, p.data)
		}
	}
	type tally struct{ n, ours, theirs int }
	var mu sync.Mutex
	tallies := map[string]*tally{}
	dir := t.TempDir()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for pi, p := range payloads {
		text, args := writeArg(p)
		// Three pixels a module, the usual rendering of a licence scan.
		clean := asGray(render(t, writer, text, append(args, "-ecc", "5", "-margin", "0", "-size", "1x1")...))
		clean = place(clean, 0, 3, 0)
		for di, d := range degradations() {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				img := d.apply(clean)
				path := filepath.Join(dir, fmt.Sprintf("%d-%d.png", pi, di))
				if d.jpeg > 0 {
					path = strings.TrimSuffix(path, ".png") + ".jpg"
				}
				saveImage(t, img, path, d.jpeg)
				var decoded image.Image = img
				if d.jpeg > 0 {
					decoded = loadImage(t, path)
				}
				res, err := Decode(decoded)
				ours := err == nil && bytes.Equal(res.Payload, p)
				got, ok := zxingRead(reader, path)
				theirs := ok && bytes.Equal(got, p)
				if !ours && os.Getenv("PDF417_VERBOSE") != "" {
					t.Logf("payload %d %s %s: %v (zxing %v)", pi, d.group, d.name, err, theirs)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, key := range []string{d.group, d.group + "\t" + d.name} {
					tl := tallies[key]
					if tl == nil {
						tl = &tally{}
						tallies[key] = tl
					}
					tl.n++
					if ours {
						tl.ours++
					}
					if theirs {
						tl.theirs++
					}
				}
			}()
		}
	}
	wg.Wait()
	var keys []string
	for k := range tallies {
		if !strings.Contains(k, "\t") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var md strings.Builder
	md.WriteString("| degradation | images | pdf417 | ZXingReader |\n|---|---|---|---|\n")
	for _, k := range keys {
		tl := tallies[k]
		fmt.Fprintf(&md, "| %s | %d | %d (%.0f %%) | %d (%.0f %%) |\n", k, tl.n, tl.ours, 100*float64(tl.ours)/float64(tl.n), tl.theirs, 100*float64(tl.theirs)/float64(tl.n))
	}
	var detail []string
	for k, tl := range tallies {
		if strings.Contains(k, "\t") {
			detail = append(detail, fmt.Sprintf("| %s | %d/%d | %d/%d |", strings.ReplaceAll(k, "\t", " | "), tl.ours, tl.n, tl.theirs, tl.n))
		}
	}
	sort.Strings(detail)
	md.WriteString("\n| group | degradation | pdf417 | ZXingReader |\n|---|---|---|---|\n" + strings.Join(detail, "\n") + "\n")
	t.Log("\n" + md.String())
	if f := os.Getenv("PDF417_TABLE"); f != "" {
		if err := os.WriteFile(f, []byte(md.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Clean rotations, scaling and moderate damage must all read.
	for _, k := range []string{"rotation", "scale"} {
		if tl := tallies[k]; tl.ours < tl.n {
			t.Errorf("%s: %d of %d read", k, tl.ours, tl.n)
		}
	}
}
