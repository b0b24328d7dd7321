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
	"github.com/idproof/idproof/face"
	"github.com/idproof/idproof/face/facetest"
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

// BenchmarkVerifyFaces measures face_compare (the portrait on a passport
// data page against a selfie) and selfie_liveness (the selfie's passive
// scores and a burst of eight head-turn frames of 480 pixels), without the
// document checks.
func BenchmarkVerifyFaces(b *testing.B) {
	mrztest.Require(b)
	photo, err := facetest.Photo("obama.jpg")
	if err != nil {
		b.Fatal(err)
	}
	f, err := face.NewImage(photo).Single()
	if err != nil {
		b.Fatal(err)
	}
	card, err := mrztest.Card(nil, facetest.Portrait(photo, f.Box), mrztest.Options{Width: 1300})
	if err != nil {
		b.Fatal(err)
	}
	selfie := facetest.Selfie(photo, f.Box)
	sf, err := face.NewImage(selfie).Single()
	if err != nil {
		b.Fatal(err)
	}
	pt := func(i int) [2]float64 { return [2]float64{sf.Keypoints[i].X, sf.Keypoints[i].Y} }
	head := facetest.Head{LeftEye: pt(face.LeftEye), RightEye: pt(face.RightEye), Nose: pt(face.Nose), Mouth: pt(face.Mouth)}
	images := map[string][]byte{"document_front_image": facetest.PNG(card), "selfie_liveness_image": facetest.JPEG(selfie, 90)}
	var frames []string
	for i := range 8 {
		name := fmt.Sprintf("selfie_liveness_frame_%02d", i)
		images[name] = facetest.JPEG(facetest.Turn(selfie, head, 4*float64(i)), 80)
		frames = append(frames, name)
	}
	conn, err := native.Type().New(connector.Config{})
	if err != nil {
		b.Fatal(err)
	}
	for _, checks := range [][]string{{"face_compare"}, {"selfie_liveness"}} {
		ev := idproof.Evidence{DocumentType: idproof.DocPassport, Checks: checks, Images: images,
			Challenge: "turn_left", ChallengeFrames: frames}
		b.Run(checks[0], func(b *testing.B) {
			for b.Loop() {
				v, err := conn.Verify(context.Background(), ev)
				if err != nil || v.Checks[0].Result != idproof.CheckPass {
					b.Fatalf("%v %+v", err, v.Checks)
				}
			}
		})
	}
}
