package pdf417

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idproof/idproof/internal/zxingtest"
)

// corpusPayload is one payload of the generated corpus.
type corpusPayload struct {
	name string
	data []byte
}

// aamvaPayloads returns the AAMVA test payloads of package aamva: the
// quirk corpus and the documented example.
func aamvaPayloads(t testing.TB) []corpusPayload {
	files, _ := filepath.Glob("../aamva/testdata/quirks/*.txt")
	files = append(files, "../docs/examples/licence-barcode.txt")
	var out []corpusPayload
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, corpusPayload{"aamva/" + strings.TrimSuffix(filepath.Base(f), ".txt"), b})
	}
	if len(out) < 10 {
		t.Fatalf("only %d AAMVA payloads", len(out))
	}
	return out
}

// corpusPayloads are text, digits, bytes and mixtures of several sizes.
func corpusPayloads() []corpusPayload {
	rng := rand.New(rand.NewPCG(11, 12))
	pick := func(n int, alphabet string) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return b
	}
	binary := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(1 + rng.IntN(255)) // the writer's argument cannot hold NUL
		}
		return b
	}
	const (
		upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ "
		lower = "abcdefghijklmnopqrstuvwxyz "
		mixed = "0123456789&\r\t,:#-.$/+%*=^ "
		punct = ";<>@[\\]_`~!\r\t,:\n-.$/\"|*()?{}'"
		all   = upper + lower + mixed + punct
	)
	return []corpusPayload{
		{"text-1", []byte("A")},
		{"text-upper-40", pick(40, upper)},
		{"text-lower-40", pick(40, lower)},
		{"text-mixed-60", pick(60, mixed)},
		{"text-punct-60", pick(60, punct)},
		{"text-all-250", pick(250, all)},
		{"digits-13", pick(13, "0123456789")},
		{"digits-100", pick(100, "0123456789")},
		{"digits-500", pick(500, "0123456789")},
		{"bytes-1", []byte{0xe9}},
		{"bytes-6", binary(6)},
		{"bytes-61", binary(61)},
		{"bytes-300", binary(300)},
		{"mix-text-digits-bytes", append(append([]byte("NAME: SMITH, JOHN 4711 "), pick(30, "0123456789")...), binary(20)...)},
	}
}

// capacity is how many data codewords fit at a level (928 in a symbol).
func fits(p []byte, level int) bool {
	return len(p)+(2<<level) <= 900
}

// TestCorpus prints every payload at every security level with
// ZXingWriter and requires a byte-exact decode.
func TestCorpus(t *testing.T) {
	t.Parallel()
	writer, _ := zxingtest.Tools(t)
	payloads := append(corpusPayloads(), aamvaPayloads(t)...)
	total, ok := 0, 0
	results := make(chan bool, 1000)
	t.Run("all", func(t *testing.T) {
		for level := range 9 {
			for _, p := range payloads {
				if !fits(p.data, level) {
					continue
				}
				total++
				t.Run(fmt.Sprintf("L%d/%s", level, p.name), func(t *testing.T) {
					t.Parallel()
					text, args := writeArg(p.data)
					img := render(t, writer, text, append(args, "-ecc", fmt.Sprint(level), "-margin", "10")...)
					res, err := Decode(img)
					if err != nil {
						results <- false
						t.Fatalf("decode: %v", err)
					}
					if !bytes.Equal(res.Payload, p.data) {
						results <- false
						t.Fatalf("payload\n got %q\nwant %q", res.Payload, p.data)
					}
					if res.Level != level {
						t.Errorf("level %d, want %d", res.Level, level)
					}
					results <- true
				})
			}
		}
	})
	close(results)
	for r := range results {
		if r {
			ok++
		}
	}
	t.Logf("corpus: %d of %d symbols decoded byte for byte", ok, total)
}

// TestECI: a UTF-8 payload carries ECI 26 and its bytes as they are.
func TestECI(t *testing.T) {
	t.Parallel()
	writer, _ := zxingtest.Tools(t)
	const text = "Zoë Ångström – 東京"
	img := render(t, writer, text, "-encoding", "UTF-8", "-margin", "10")
	res, err := Decode(img)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Payload) != text || len(res.ECIs) != 1 || res.ECIs[0].Value != 26 {
		t.Errorf("payload %q, ECIs %+v", res.Payload, res.ECIs)
	}
}
