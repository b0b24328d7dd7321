package native_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"strings"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/connector"
	"github.com/idproof/idproof/connector/native"
	"github.com/idproof/idproof/mrz"
	"github.com/idproof/idproof/mrzread/mrztest"
)

func digit(s string) string {
	d, _ := mrz.CheckDigit(s)
	return fmt.Sprint(d)
}

// BenchmarkVerifyPassport measures the built-in verifier's CPU time for one
// passport: quality, face detection and MRZ reading of a 1500-pixel-wide
// data page, plus parsing and cross-checks.
func BenchmarkVerifyPassport(b *testing.B) {
	mrztest.Require(b)
	num, dob, doe := "L898902C3", "740812", "340415"
	l2 := num + digit(num) + "NLD" + dob + digit(dob) + "F" + doe + digit(doe) + strings.Repeat("<", 14) + "<"
	l2 += digit(num + digit(num) + dob + digit(dob) + doe + digit(doe) + strings.Repeat("<", 15))
	lines := []string{("P<NLDERIKSSON<<ANNA<MARIA" + strings.Repeat("<", 44))[:44], l2}
	img, err := mrztest.Card(lines, nil, mrztest.Options{Width: 1500})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	conn, err := native.Type().New(connector.Config{})
	if err != nil {
		b.Fatal(err)
	}
	ev := idproof.Evidence{DocumentType: idproof.DocPassport, Checks: []string{"document_liveness_front", "fraud_detection"},
		Images: map[string][]byte{"document_front_image": buf.Bytes()}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v, err := conn.Verify(context.Background(), ev)
		if err != nil || len(v.Checks) == 0 {
			b.Fatal(err)
		}
	}
}
