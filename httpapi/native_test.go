package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"testing"

	"github.com/idproof/idproof/aamva"
	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/face/facetest"
	"github.com/idproof/idproof/internal/zxingtest"
	"github.com/idproof/idproof/mrz"
	"github.com/idproof/idproof/mrzread/mrztest"
)

func face(t *testing.T) ([]byte, image.Image) {
	t.Helper()
	b, err := mrztest.PortraitJPEG()
	if err != nil {
		t.Fatalf("pigo's test photo: %v", err)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return b, img
}

func cd(s string) string {
	d, err := mrz.CheckDigit(s)
	if err != nil {
		panic(err)
	}
	return fmt.Sprint(d)
}

// td3 builds a passport MRZ with correct check digits.
func td3(surname, given, number, dob, sex, doe string) []string {
	pad := func(s string, n int) string { return (s + strings.Repeat("<", n))[:n] }
	l1 := pad("P<NLD"+surname+"<<"+strings.ReplaceAll(given, " ", "<"), 44)
	num := pad(number, 9)
	personal := pad("", 14)
	body := num + cd(num) + "NLD" + dob + cd(dob) + sex + doe + cd(doe) + personal + "<"
	composite := num + cd(num) + dob + cd(dob) + doe + cd(doe) + personal + "<"
	return []string{l1, body + cd(composite)}
}

func pngOf(t *testing.T, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func card(t *testing.T, lines []string, withFace bool, opts mrztest.Options) []byte {
	t.Helper()
	mrztest.Require(t)
	var f image.Image
	if withFace {
		_, f = face(t)
	}
	img, err := mrztest.Card(lines, f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return pngOf(t, img)
}

// licenceBack draws a card back carrying payload as a PDF417 symbol made
// by ZXingWriter (or a blank back when payload is nil).
func licenceBack(t *testing.T, payload []byte) []byte {
	t.Helper()
	back := image.NewRGBA(image.Rect(0, 0, 1300, 820))
	// A tinted card, as real ones are: pure white would read as glare.
	draw.Draw(back, back.Bounds(), image.NewUniform(color.RGBA{236, 231, 214, 255}), image.Point{}, draw.Src)
	// A few lines of small print, as every back has.
	for row := 0; row < 6; row++ {
		for x := 60; x < 1240; x += 14 {
			if (x*7+row*13)%5 != 0 {
				draw.Draw(back, image.Rect(x, 60+row*40, x+9, 60+row*40+16), image.NewUniform(color.RGBA{40, 40, 60, 255}), image.Point{}, draw.Src)
			}
		}
	}
	if payload != nil {
		sym := zxingtest.Write(t, "PDF417", string(payload), "-size", "1100x360")
		// Printed on the card: only the bars are ink, the rest is card.
		b := sym.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if r, _, _, _ := sym.At(x, y).RGBA(); r < 0x8000 {
					back.Set(100+x-b.Min.X, 380+y-b.Min.Y, color.RGBA{20, 20, 30, 255})
				}
			}
		}
	}
	return pngOf(t, back)
}

func licencePayload(number, last, first, dob, doe string) []byte {
	return aamva.Build(10, "636000", "DL", [][2]string{
		{"DAQ", number}, {"DCS", last}, {"DDE", "N"}, {"DAC", first}, {"DDF", "N"}, {"DAD", "NONE"}, {"DDG", "N"},
		{"DCA", "D"}, {"DCB", "NONE"}, {"DCD", "NONE"}, {"DBD", "06062019"}, {"DBB", dob}, {"DBA", doe},
		{"DBC", "2"}, {"DAU", "065 in"}, {"DAY", "BRO"}, {"DAG", "1 MAIN ST"}, {"DAI", "RICHMOND"}, {"DAJ", "VA"},
		{"DAK", "232690000"}, {"DCF", "1234567890"}, {"DCG", "USA"}, {"DDA", "F"}, {"DDB", "06062018"},
	}, [][2]string{{"ZVA", "01"}})
}

// nativeCase is one session through the built-in verifier.
type nativeCase struct {
	name        string
	docType     string
	checks      []string
	options     map[string]any
	front, back []byte
	frontResult map[string]any
	backResult  map[string]any
	selfie      bool
	selfieImg   []byte         // instead of the portrait
	want        string         // resultStatus
	reason      string         // IDV code of the outcome, "" for a pass
	browser     *client.Client // the capture client; a new one when nil
}

func runNative(t *testing.T, e *env, c nativeCase) map[string]any {
	t.Helper()
	ctx := context.Background()
	cfg := map[string]any{"checks": c.checks}
	for k, v := range c.options {
		cfg[k] = v
	}
	verification, _ := json.Marshal(map[string]any{"config": cfg})
	req := e.sessionRequest("native-" + c.name)
	req.DocumentType = c.docType
	created, err := e.client(t, "service").CreateSession(ctx, client.CreateSessionRequest{
		Connector: json.RawMessage(`{"type":"native"}`), Verification: verification, SessionRequest: req})
	if err != nil {
		t.Fatal(err)
	}
	b := c.browser
	if b == nil {
		b = e.client(t, "")
	}
	if _, err := b.SessionCall(ctx, created.SessionID, "start"); err != nil {
		t.Fatal(err)
	}
	if c.selfie {
		sb, _ := face(t)
		if c.selfieImg != nil {
			sb = c.selfieImg
		}
		if err := b.Do(ctx, "POST", "/proofingsession/"+created.SessionID+"/submit/verification/selfie_liveness",
			map[string]any{"images": map[string]string{"image": base64.StdEncoding.EncodeToString(sb)}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	side := func(img []byte, result map[string]any) map[string]any {
		m := map[string]any{"images": map[string]string{"image": base64.StdEncoding.EncodeToString(img)}}
		if result != nil {
			m["result"] = result
		}
		return m
	}
	body := map[string]any{"document_front": side(c.front, c.frontResult)}
	if c.back != nil {
		body["document_back"] = side(c.back, c.backResult)
	}
	var got map[string]any
	if err := b.Do(ctx, "POST", "/proofingsession/"+created.SessionID+"/v2/submit/document", body, &got); err != nil {
		t.Fatal(err)
	}
	v := got["validation"].(map[string]any)
	if v["resultStatus"] != c.want || (c.reason != "" && v["reason"] != c.reason) {
		js, _ := json.MarshalIndent(v["checks"], "", " ")
		t.Fatalf("%s: %v %v (%v), want %s %s\n%s", c.name, v["resultStatus"], v["reason"], v["message"], c.want, c.reason, js)
	}
	return got
}

// TestNativeVerifier runs sessions through the built-in verifier on
// synthetic documents: a passport whose MRZ is read from the image, a
// driver's licence with a PDF417 back made by ZXingWriter; one passing
// case per document and one failing case per check.
func TestNativeVerifier(t *testing.T) {
	mrztest.Require(t)
	e := newEnv(t, storeKinds[0].open)
	good := td3("ERIKSSON", "ANNA MARIA", "L898902C3", "740812", "F", "340415")
	passportResult := func(last string, lines []string) map[string]any {
		return map[string]any{"firstName": "ANNA MARIA", "lastName": last, "documentNumber": "L898902C3",
			"dateOfBirth": map[string]int{"day": 12, "month": 8, "year": 1974}, "dateOfExpiry": map[string]int{"day": 15, "month": 4, "year": 2034},
			"mrz": map[string]string{"rawMRZString": strings.Join(lines, "\n")}}
	}
	ppChecks := []string{"document_liveness_front", "fraud_detection"}
	goodFront := card(t, good, true, mrztest.Options{CharHeight: 24})

	badDigit := append([]string(nil), good...)
	badDigit[1] = badDigit[1][:9] + "0" + badDigit[1][10:] // the number's check digit
	expired := td3("ERIKSSON", "ANNA MARIA", "L898902C3", "740812", "F", "200415")
	// ICAO's specimen state; the codes are outside every check digit.
	specimen := []string{strings.Replace(good[0], "P<NLD", "P<UTO", 1), strings.Replace(good[1], "NLD", "UTO", 1)}
	specimenFront := card(t, specimen, true, mrztest.Options{CharHeight: 24})

	payload := licencePayload("T64235789", "SAMPLE", "MICHELLE", "06061986", "12102031")
	dlFront := card(t, nil, true, mrztest.Options{Width: 1300})
	dlResult := map[string]any{"firstName": "MICHELLE", "lastName": "SAMPLE", "documentNumber": "T64235789",
		"dateOfBirth": "1986-06-06", "dateOfExpiry": "2031-12-10"}
	dlChecks := []string{"document_liveness_front", "document_liveness_back", "fraud_detection"}

	cases := []nativeCase{
		{name: "passport passes", docType: "ppt_object", checks: ppChecks, front: goodFront, frontResult: passportResult("ERIKSSON", good), want: "COMPLETED_PASS"},
		{name: "licence passes", docType: "dl_object", checks: dlChecks, front: dlFront, frontResult: dlResult,
			back: licenceBack(t, payload), backResult: map[string]any{"barcode": map[string]string{"rawData": base64.StdEncoding.EncodeToString(payload)}}, want: "COMPLETED_PASS"},
		{name: "blurred", docType: "ppt_object", checks: ppChecks, front: card(t, good, true, mrztest.Options{CharHeight: 24, Blur: 6}),
			frontResult: passportResult("ERIKSSON", good), want: "COMPLETED_FAILED", reason: "IDV0041"},
		{name: "no face", docType: "ppt_object", checks: ppChecks, front: card(t, good, false, mrztest.Options{CharHeight: 24}),
			frontResult: passportResult("ERIKSSON", good), want: "COMPLETED_FAILED", reason: "IDV0042"},
		{name: "mrz check digit", docType: "ppt_object", checks: ppChecks, front: card(t, badDigit, true, mrztest.Options{CharHeight: 24}),
			frontResult: passportResult("ERIKSSON", badDigit), want: "COMPLETED_FAILED", reason: "IDV0046"},
		{name: "mrz unreadable", docType: "ppt_object", checks: ppChecks, front: dlFront,
			frontResult: passportResult("ERIKSSON", good), want: "COMPLETED_NOT_PERFORMED", reason: "IDV0048"},
		{name: "name mismatch", docType: "ppt_object", checks: ppChecks, front: goodFront,
			frontResult: passportResult("SMITH", good), want: "COMPLETED_FAILED", reason: "IDV0040"},
		{name: "client mrz differs from image", docType: "ppt_object", checks: ppChecks, front: goodFront,
			frontResult: passportResult("ERIKSSON", td3("ERIKSSON", "ANNA MARIA", "X12345678", "740812", "F", "340415")), want: "COMPLETED_FAILED", reason: "IDV0040"},
		{name: "expired", docType: "ppt_object", checks: ppChecks, front: card(t, expired, true, mrztest.Options{CharHeight: 24}),
			frontResult: passportResult("ERIKSSON", expired), want: "COMPLETED_FAILED", reason: "IDV0044"},
		{name: "specimen state", docType: "ppt_object", checks: ppChecks, front: specimenFront,
			frontResult: passportResult("ERIKSSON", specimen), want: "COMPLETED_FAILED", reason: "IDV0049"},
		{name: "specimen state accepted for testing", docType: "ppt_object", checks: ppChecks, options: map[string]any{"acceptSpecimens": true},
			front: specimenFront, frontResult: passportResult("ERIKSSON", specimen), want: "COMPLETED_PASS"},
		{name: "too young", docType: "ppt_object", checks: ppChecks, options: map[string]any{"minAgeYears": 60}, front: goodFront,
			frontResult: passportResult("ERIKSSON", good), want: "COMPLETED_FAILED", reason: "IDV0045"},
		{name: "no barcode on the back", docType: "dl_object", checks: dlChecks, front: dlFront, frontResult: dlResult,
			back: licenceBack(t, nil), backResult: map[string]any{"barcode": map[string]string{"rawData": base64.StdEncoding.EncodeToString(payload)}}, want: "COMPLETED_FAILED", reason: "IDV0047"},
		{name: "barcode data invalid", docType: "dl_object", checks: dlChecks, front: dlFront, frontResult: dlResult,
			back: licenceBack(t, payload), backResult: map[string]any{"barcode": "@\n\x1e\rANSI 6360001001DL00000000DLDAQ\n"}, want: "COMPLETED_FAILED", reason: "IDV0047"},
		{name: "no face on the selfie", docType: "ppt_object", checks: []string{"document_liveness_front", "selfie_liveness"}, front: goodFront,
			frontResult: passportResult("ERIKSSON", good), selfie: true, selfieImg: licenceBack(t, nil), want: "COMPLETED_FAILED", reason: "IDV0042"},
		// The card's portrait is the selfie's photo: the faces match.
		{name: "face compare of the holder passes", docType: "ppt_object", checks: []string{"document_liveness_front", "face_compare"}, front: goodFront,
			frontResult: passportResult("ERIKSSON", good), selfie: true, want: "COMPLETED_PASS"},
		{name: "face compare of another person fails", docType: "ppt_object", checks: []string{"document_liveness_front", "face_compare"}, front: goodFront,
			frontResult: passportResult("ERIKSSON", good), selfie: true, selfieImg: otherPerson(t), want: "COMPLETED_FAILED", reason: "IDV0050"},
		{name: "liveness without head-turn frames is not performed", docType: "ppt_object", checks: []string{"document_liveness_front", "selfie_liveness"}, front: goodFront,
			frontResult: passportResult("ERIKSSON", good), selfie: true, want: "COMPLETED_NOT_PERFORMED", reason: "IDV0051"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runNative(t, e, c) })
	}
}

// TestNativeFaceDistanceInProof: the distance face_compare measured is in
// the session check's details and in the proof token, where a relying
// party may hold it to a stricter threshold.
func TestNativeFaceDistanceInProof(t *testing.T) {
	mrztest.Require(t)
	e := newEnv(t, storeKinds[0].open)
	good := td3("ERIKSSON", "ANNA MARIA", "L898902C3", "740812", "F", "340415")
	browser := e.client(t, "")
	got := runNative(t, e, nativeCase{name: "distance", docType: "ppt_object", checks: []string{"document_liveness_front", "face_compare"},
		front: card(t, good, true, mrztest.Options{CharHeight: 24}), selfie: true, want: "COMPLETED_PASS", browser: browser})
	id := got["id"].(string)
	ctx := context.Background()
	if _, err := browser.SessionCall(ctx, id, "complete"); err != nil {
		t.Fatal(err)
	}
	res, err := e.client(t, "service").SessionResult(ctx, client.ResultRequest{SessionID: id, IncludeMetadata: true}, true, client.Envelope())
	if err != nil {
		t.Fatal(err)
	}
	claims := verifyProofClaims(t, e, res["document"].(map[string]any)["proof_jwt"].(string), id, "COMPLETED_PASS")
	d, ok := claims["faceDistance"].(float64)
	if !ok || d < 0 || d >= 0.5 {
		t.Fatalf("faceDistance %v in %v", claims["faceDistance"], claims)
	}
}

// otherPerson is a selfie of someone else than the portrait of card.
func otherPerson(t *testing.T) []byte {
	t.Helper()
	img, err := facetest.Photo("biden2.jpg")
	if err != nil {
		t.Fatal(err)
	}
	return facetest.JPEG(img, 90)
}

// TestVerifyAlteredIDCardFront is POST /verify with the front of a TD1 card
// whose birth-date check digit was altered, and the printed fields the
// card shows: the zone fails wherever it is read, so the document does not
// verify; the genuine card does.
func TestVerifyAlteredIDCardFront(t *testing.T) {
	mrztest.Require(t)
	e := newEnv(t, storeKinds[0].open)
	pad := func(s string, n int) string { return (s + strings.Repeat("<", n))[:n] }
	l1 := pad("I<NLDD23145890"+cd("D23145890"), 30)
	l2 := "740812" + cd("740812") + "F" + "340415" + cd("340415") + "NLD" + pad("", 11)
	l2 += cd(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
	genuine := []string{l1, l2, pad("ERIKSSON<<ANNA<MARIA", 30)}
	altered := append([]string(nil), genuine...)
	altered[1] = altered[1][:6] + fmt.Sprint((int(altered[1][6]-'0')+1)%10) + altered[1][7:]
	result := map[string]any{"firstName": "ANNA MARIA", "lastName": "ERIKSSON", "documentNumber": "D23145890",
		"dateOfBirth": "1974-08-12", "dateOfExpiry": "2034-04-15"}
	for _, c := range []struct {
		name  string
		lines []string
		want  string
	}{{"genuine", genuine, "COMPLETED_PASS"}, {"altered birth-date check digit", altered, "COMPLETED_FAILED"}} {
		t.Run(c.name, func(t *testing.T) {
			var cert map[string]any
			err := e.client(t, "service").Do(context.Background(), "POST", "/verify", map[string]any{
				"connector":    map[string]any{"type": "native"},
				"verification": map[string]any{"config": map[string]any{"checks": []string{"document_liveness_front", "document_liveness_back", "fraud_detection"}}},
				"document": map[string]any{"id": "card-1", "type": "idcard", "result": result,
					"front_image": base64.StdEncoding.EncodeToString(card(t, c.lines, true, mrztest.Options{Width: 1300}))},
			}, &cert)
			if err != nil {
				t.Fatal(err)
			}
			if cert["result"] != c.want {
				js, _ := json.MarshalIndent(cert["metadata"], "", " ")
				t.Fatalf("result %v, want %s\n%s", cert["result"], c.want, js)
			}
		})
	}
}
