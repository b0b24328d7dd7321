package mrzread

import (
	"slices"
	"strings"

	"github.com/idproof/idproof/mrz"
	"github.com/idproof/idproof/mrzread/internal/glyph"
)

// candidate is a zone read in one frame.
type candidate struct {
	r     *Reading
	mean  float64 // mean of the best score of each cell
	valid bool    // every check digit holds
	fr    frame
	grp   []line
}

// sure reports whether the candidate ends the search.
func (c *candidate) sure() bool { return c.valid && c.mean >= sureScore }

// beats orders candidates: a zone whose check digits hold first, then the
// clearer reading.
func (c *candidate) beats(o *candidate) bool {
	if c.valid != o.valid {
		return c.valid
	}
	return c.mean > o.mean
}

// search looks for an MRZ among the components of a frame and returns the
// best candidate, or nil.
func search(fr frame, comps []comp, ink glyph.Plane) *candidate {
	var (
		best *candidate
		cr   = newCellReader(ink, fr.toImage)
	)
	gs := groups(findLines(comps, fr.w, fr.h))
	if len(gs) > maxGroups {
		// Keep the best supported: a picture crowded with text that
		// happens to be monospaced must not cost a reading of every line.
		slices.SortStableFunc(gs, func(a, b []line) int { return fitted(b) - fitted(a) })
		gs = gs[:maxGroups]
	}
	for _, grp := range gs {
		cells, mean := readGroup(cr, grp, 1)
		c := newCandidate(fr, grp, cells, mean)
		if c != nil && (best == nil || c.beats(best)) {
			best = c
		}
	}
	return best
}

// maxGroups bounds the line sets read in one frame.
const maxGroups = 8

// fitted returns the number of components that a group's lines were
// fitted to.
func fitted(grp []line) int {
	n := 0
	for _, l := range grp {
		n += l.comps
	}
	return n
}

// refine reads again a legible zone that did not read cleanly, as it may
// be foreshortened: a photograph taken at an angle squeezes the print in
// one direction more than in the other. The stretch of the characters'
// height that matches the templates best is taken, whatever the check
// digits make of it.
func refine(c *candidate, ink glyph.Plane) *candidate {
	if c.sure() && c.mean >= 0.9 || c.mean < 0.78 {
		return c
	}
	cr := newCellReader(ink, c.fr.toImage)
	cells, mean := readGroup(cr, c.grp, 1)
	stretch := 1.0
	for _, s := range []float64{0.9, 1.1} {
		if cs, m := readGroup(cr, c.grp, s); m > mean {
			cells, mean, stretch = cs, m, s
		}
	}
	for _, s := range []float64{stretch - 0.05, stretch + 0.05} {
		if cs, m := readGroup(cr, c.grp, s); m > mean {
			cells, mean = cs, m
		}
	}
	if mean <= c.mean {
		return c
	}
	if r := newCandidate(c.fr, c.grp, cells, mean); r != nil {
		return r
	}
	return c
}

// newCandidate decodes the cells of a group read in frame fr, or returns
// nil when they score too low to be an MRZ.
func newCandidate(fr frame, grp []line, cells [][]scores, mean float64) *candidate {
	if mean < minScore {
		return nil
	}
	d := decode(cells)
	r := &Reading{Lines: d.lines, Margins: d.margin, Angle: fr.deg(), Doubt: 1, Box: fr.rect(box(grp))}
	for i := range grp {
		low, lowM := 1.0, 1.0
		for k, s := range d.score[i] {
			low = min(low, s)
			lowM = min(lowM, d.margin[i][k])
			r.Doubt = min(r.Doubt, d.silent[i][k])
		}
		r.Confidence = append(r.Confidence, low)
		r.Margin = append(r.Margin, lowM)
	}
	return &candidate{r: r, mean: mean, valid: checkDigits(d.lines), fr: fr, grp: grp}
}

// readGroup reads the lines of a group with the characters' height
// stretched by stretch and returns their cells and the mean of the best
// score of each cell.
func readGroup(cr *cellReader, grp []line, stretch float64) ([][]scores, float64) {
	cells := make([][]scores, len(grp))
	var sum float64
	var n int
	for i, l := range grp {
		l.stretch = stretch
		cells[i] = cr.readLine(l)
		for k := range cells[i] {
			_, b := cells[i][k].best(anyChar)
			sum += float64(b)
			n++
		}
	}
	return cells, sum / float64(n)
}

// checkDigits reports whether every check digit of a zone holds. The
// search uses it only to stop early and to prefer one frame's reading to
// another's; what the zone means is package mrz's business.
func checkDigits(lines []string) bool {
	ok := func(data string, digit byte) bool {
		v, err := mrz.CheckDigit(data)
		return err == nil && digit == byte('0'+v)
	}
	switch {
	case len(lines) == 3 && len(lines[0]) == 30:
		l1, l2 := lines[0], lines[1]
		return (ok(l1[5:14], l1[14]) || l1[14] == '<') && ok(l2[0:6], l2[6]) && ok(l2[8:14], l2[14]) &&
			ok(l1[5:30]+l2[0:7]+l2[8:15]+l2[18:29], l2[29])
	case len(lines) == 2 && (len(lines[0]) == 36 || len(lines[0]) == 44):
		l2 := lines[1]
		if !ok(l2[0:9], l2[9]) || !ok(l2[13:19], l2[19]) || !ok(l2[21:27], l2[27]) {
			return false
		}
		if lines[0][0] == 'V' {
			return true
		}
		n := len(l2)
		if n == 44 && !ok(l2[28:42], l2[42]) && !(l2[42] == '<' && strings.Trim(l2[28:42], "<") == "") {
			return false
		}
		return ok(l2[0:10]+l2[13:20]+l2[21:n-1], l2[n-1])
	}
	return false
}
