package pdf417

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestECEncodeExample checks the encoder against the worked example of the
// standard's tutorial: "PDF417" at security level 1.
func TestECEncodeExample(t *testing.T) {
	got := ecEncode([]int{5, 453, 178, 121, 239}, 4)
	if want := []int{452, 327, 657, 619}; !slices.Equal(got, want) {
		t.Errorf("check codewords %v, want %v", got, want)
	}
}

// TestCorrect damages random codewords at every security level with
// errors and erasures up to the correction bound, and beyond it.
func TestCorrect(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for level := range 9 {
		k := 2 << level
		for trial := range 30 {
			n := k + 1 + rng.IntN(min(900, 928-k))
			data := make([]int, n-k)
			for i := range data {
				data[i] = rng.IntN(929)
			}
			data[0] = len(data)
			cw := append(append([]int(nil), data...), ecEncode(data, k)...)
			margin := 2
			if k == 2 {
				margin = 1
			}
			budget := k - margin
			nerr := rng.IntN(budget/2 + 1)
			nera := rng.IntN(budget - 2*nerr + 1)
			got := append([]int(nil), cw...)
			perm := rng.Perm(n)
			for _, p := range perm[:nerr] {
				got[p] = (got[p] + 1 + rng.IntN(928)) % 929
			}
			era := perm[nerr : nerr+nera]
			for _, p := range era {
				got[p] = rng.IntN(929)
			}
			if _, err := correct(got, k, era); err != nil || !slices.Equal(got, cw) {
				t.Fatalf("level %d trial %d: %d errors %d erasures in %d: %v", level, trial, nerr, nera, n, err)
			}
		}
	}
}

// TestCorrectRefusesTooMany: beyond the bound, correction reports failure
// or (rarely, and never silently wrong here) a different codeword.
func TestCorrectRefusesTooMany(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	refused := 0
	for range 200 {
		k := 16
		data := make([]int, 40)
		for i := range data {
			data[i] = rng.IntN(929)
		}
		cw := append(data, ecEncode(data, k)...)
		got := append([]int(nil), cw...)
		for _, p := range rng.Perm(len(cw))[:k] {
			got[p] = (got[p] + 1 + rng.IntN(928)) % 929
		}
		if _, err := correct(got, k, nil); err != nil {
			refused++
		} else if slices.Equal(got, cw) {
			t.Fatal("corrected more errors than possible")
		}
	}
	if refused < 190 {
		t.Errorf("refused only %d of 200 hopeless words", refused)
	}
}

// TestTableExample checks generated table entries against the standard's
// worked example ("PDF417", 3 rows of 3 columns): the first row's
// characters in cluster 0.
func TestTableExample(t *testing.T) {
	for v, want := range map[int]uint32{0: 0x31111136, 5: 0x51111251, 453: 0x31312223, 178: 0x51211142, 2: 0x51111152} {
		if got := patterns[0][v]; got != want {
			t.Errorf("cluster 0 value %d: %08x, want %08x", v, got, want)
		}
	}
	for k := range patterns {
		for v, p := range patterns[k] {
			if w := patternWidths(p); clusterOf(w) != 3*k {
				t.Fatalf("cluster %d value %d: pattern %08x is in cluster %d", 3*k, v, p, clusterOf(w))
			}
		}
	}
}
