package mrzread

import (
	"strings"

	"github.com/idproof/idproof/mrz"
)

// support is how far below the best template's score a character may
// score and still be taken for what a cell shows when the layout does not
// allow the best one: OCR-B's 0 and O, 1 and I, 8 and B, 5 and S, 2 and Z
// score within a few hundredths of each other once blur has softened them,
// while a letter that is plainly a letter loses to any digit by more. A
// character the image does not support is never put in its place: the zone
// then keeps what was printed, and fails its checks as it should.
const support = 0.08

// decoded is the text of a zone read under its layout's rules, with each
// character's score, margin and silent margin.
type decoded struct {
	lines  []string
	score  [][]float64
	margin [][]float64
	// silent is the margin over the rivals that no check digit would
	// catch: in a position a check digit covers, only those whose check
	// value is the same modulo 10 (0, A, K, U and <; 1, B, L and V; 6 and
	// G; 8, I and S…); elsewhere, every rival.
	silent [][]float64
}

// decode chooses the characters of a zone from the scores of its cells: in
// each position the best character that ICAO Doc 9303 allows there, if the
// image supports it, and in country code fields the best combination that
// names a code the standard lists. The margin of a character is its score
// less that of the best other character the rules would have accepted in
// its place, so it measures how nearly the zone could have been read
// otherwise and still pass as a zone.
func decode(cells [][]scores) decoded {
	n := len(cells)
	d := decoded{
		lines:  make([]string, n),
		score:  make([][]float64, n),
		margin: make([][]float64, n),
		silent: make([][]float64, n),
	}
	text := make([][]byte, n)
	for i, c := range cells {
		text[i] = make([]byte, len(c))
		d.score[i] = make([]float64, len(c))
		d.margin[i] = make([]float64, len(c))
		d.silent[i] = make([]float64, len(c))
	}
	length := len(cells[0])
	fields := layout(n, length, false)
	if fields == nil {
		return d
	}
	// The document code decides between a passport or card and a visa,
	// whose second line is laid out differently.
	if k, _ := cells[0][0].best(alpha); k >= 0 && alphabet[k] == 'V' {
		fields = layout(n, length, true)
	}
	for _, f := range fields {
		if f.code && codeField(cells[f.line][f.from:f.to], text[f.line][f.from:f.to], d.score[f.line][f.from:f.to], d.margin[f.line][f.from:f.to]) {
			copy(d.silent[f.line][f.from:f.to], d.margin[f.line][f.from:f.to])
			continue
		}
		for k := f.from; k < f.to; k++ {
			c := choose(&cells[f.line][k], f.allowed, f.checked)
			text[f.line][k], d.score[f.line][k], d.margin[f.line][k], d.silent[f.line][k] = c.char, c.score, c.margin, c.silent
		}
	}
	for i := range text {
		d.lines[i] = string(text[i])
	}
	return d
}

// choice is a character chosen for a cell.
type choice struct {
	char                  byte
	score, margin, silent float64
}

// choose returns the character for a cell whose position allows the given
// set and is covered by a check digit when checked is set.
func choose(s *scores, allowed set, checked bool) choice {
	top, topScore := s.best(anyChar)
	k, v := s.best(allowed)
	if k < 0 || v < topScore-support {
		// Print the layout does not allow: keep it, with the margin over
		// its nearest rival.
		allowed = anyChar
		k, v = top, topScore
	}
	rivals := allowed &^ (1 << k)
	_, second := s.best(rivals)
	c := choice{char: alphabet[k], score: float64(v), margin: float64(v - max(second, 0))}
	c.silent = c.margin
	if checked {
		_, silent := s.best(rivals & sameCheckValue[k])
		c.silent = float64(v - max(silent, 0))
	}
	return c
}

// sameCheckValue holds, for each character, the characters whose check
// digit value is the same modulo 10: the weights 7, 3 and 1 are prime to
// 10, so putting one for the other is the one single substitution that no
// check digit of Doc 9303 detects.
var sameCheckValue = func() (out [nChars]set) {
	value := func(i int) int {
		if alphabet[i] == '<' {
			return 0
		}
		return i // 0-9, then A = 10 … Z = 35, as in the alphabet
	}
	for i := range nChars {
		for j := range nChars {
			if value(i)%10 == value(j)%10 {
				out[i] |= 1 << j
			}
		}
	}
	return out
}()

// codeField chooses a country code from the scores of its three cells and
// writes it, with scores and margins, to text, score and margin. Each
// character is one the image supports; among the combinations that read as
// a code Doc 9303 lists (letters, then fillers: "D<<" for Germany), the one
// with the highest total score wins. It reports false when none does,
// leaving the field to be read position by position.
func codeField(cells []scores, text []byte, score, margin []float64) bool {
	var cand [3][]int
	for i := range cells {
		_, top := cells[i].best(anyChar)
		for k := range nChars {
			if alpha.has(k) && cells[i][k] >= top-support {
				cand[i] = append(cand[i], k)
			}
		}
	}
	known := func(ks [3]int) bool {
		var b [3]byte
		for i, k := range ks {
			b[i] = alphabet[k]
		}
		code := strings.TrimRight(string(b[:]), "<")
		return code != "" && !strings.Contains(code, "<") && mrz.KnownCode(code)
	}
	best, bestSum := [3]int{-1}, float32(-1)
	for _, a := range cand[0] {
		for _, b := range cand[1] {
			for _, c := range cand[2] {
				ks := [3]int{a, b, c}
				sum := cells[0][a] + cells[1][b] + cells[2][c]
				if sum > bestSum && known(ks) {
					best, bestSum = ks, sum
				}
			}
		}
	}
	if best[0] < 0 {
		return false
	}
	for i, k := range best {
		text[i], score[i] = alphabet[k], float64(cells[i][k])
		// The rivals of a character are the letters that score higher
		// (when the code was chosen over what the image showed best) and
		// those that would still make a listed code; with none, any
		// misreading here would name no state and fail.
		var rival float32
		for r := range nChars {
			alt := best
			alt[i] = r
			if r != k && alpha.has(r) && (cells[i][r] > cells[i][k] || known(alt)) {
				rival = max(rival, cells[i][r])
			}
		}
		margin[i] = float64(cells[i][k] - rival)
	}
	return true
}
