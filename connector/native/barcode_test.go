package native

import (
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"strings"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/aamva"
	"github.com/idproof/idproof/internal/zxingtest"
)

// licenceBack renders payload as a PDF417 symbol with ZXingWriter (Debian
// zxing-cpp-tools) on a pale card-sized back; without the tool the test
// skips, except under CI=true, where it fails.
func licenceBack(t *testing.T, payload string) image.Image {
	t.Helper()
	sym := zxingtest.Write(t, "PDF417", payload, "-size", "900x300", "-ecc", "5")
	card := image.NewRGBA(image.Rect(0, 0, 1000, 630))
	draw.Draw(card, card.Bounds(), &image.Uniform{color.RGBA{235, 238, 228, 255}}, image.Point{}, draw.Src)
	draw.Draw(card, sym.Bounds().Add(image.Pt(50, 250)), sym, sym.Bounds().Min, draw.Src)
	return card
}

func barcodeSample() string {
	return string(aamva.Build(10, "636000", "DL", [][2]string{
		{"DAQ", "T64235789"}, {"DCS", "SAMPLE"}, {"DDE", "N"}, {"DAC", "MICHELLE"}, {"DDF", "N"}, {"DAD", "NONE"},
		{"DDG", "N"}, {"DCA", "D"}, {"DCB", "NONE"}, {"DCD", "NONE"}, {"DBD", "06062019"}, {"DBB", "06061986"},
		{"DBA", "12102031"}, {"DBC", "2"}, {"DAU", "065 in"}, {"DAY", "BRO"}, {"DAG", "1 MAIN ST"},
		{"DAI", "RICHMOND"}, {"DAJ", "VA"}, {"DAK", "232690000"}, {"DCF", "1234567890"}, {"DCG", "USA"},
	}, nil))
}

// TestBarcodeDecoded checks the barcode checks on a back image whose
// symbol this server decodes: the decoded payload is validated and is
// the source for the cross-checks, and the capture client's payload is
// compared with it field by field.
func TestBarcodeDecoded(t *testing.T) {
	payload := barcodeSample()
	back := licenceBack(t, payload)
	front := clientSide{LastName: "SAMPLE", FirstName: "MICHELLE", DocumentNumber: "T64235789",
		DateOfBirth: flexDate{1986, 6, 6}, DateOfExpiry: flexDate{2031, 12, 10}}
	now := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		claimed string // the client's barcode payload; "" none
		front   clientSide
		want    map[string]idproof.CheckResult
		reason  string // of the failing check, and a word its message must hold
		mention string
	}{
		{"client agrees", payload, front, map[string]idproof.CheckResult{
			"native.barcode_present": idproof.CheckPass, "native.barcode_data": idproof.CheckPass,
			"native.cross_barcode": idproof.CheckPass, "native.cross_documentNumber": idproof.CheckPass,
			"native.cross_lastName": idproof.CheckPass, "native.expiry": idproof.CheckPass,
		}, "", ""},
		{"no client payload", "", front, map[string]idproof.CheckResult{
			"native.barcode_present": idproof.CheckPass, "native.barcode_data": idproof.CheckPass,
			"native.cross_documentNumber": idproof.CheckPass,
		}, "", ""},
		{"client payload altered", strings.Replace(payload, "DAQT64235789", "DAQT99999999", 1), front, map[string]idproof.CheckResult{
			"native.barcode_present": idproof.CheckPass, "native.cross_barcode": idproof.CheckFail,
		}, "IDV0040", "documentNumber"},
		{"front disagrees with the decoded barcode", payload,
			clientSide{LastName: "OTHER", FirstName: "MICHELLE", DocumentNumber: "T64235789", DateOfBirth: flexDate{1986, 6, 6}},
			map[string]idproof.CheckResult{"native.cross_lastName": idproof.CheckFail, "native.cross_barcode": idproof.CheckPass},
			"IDV0040", "lastName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &run{c: &Connector{opts: Options{MaxAgeYears: 120}}, now: now, client: tt.front}
			var cb clientSide
			if tt.claimed != "" {
				raw, _ := json.Marshal(tt.claimed)
				cb.Barcode = raw
			}
			r.back = r.barcodeChecks(back, cb)
			r.crossChecks()
			r.dateChecks()
			got := map[string]idproof.Check{}
			for _, c := range append(append(r.back, r.fraud...), r.front...) {
				got[c.Name] = c
			}
			for name, want := range tt.want {
				if c := got[name]; c.Result != want {
					t.Errorf("%s: %+v, want %v", name, c, want)
				} else if want == idproof.CheckFail && (c.Reason != tt.reason || !strings.Contains(c.Message, tt.mention)) {
					t.Errorf("%s: reason %s message %q, want %s naming %s", name, c.Reason, c.Message, tt.reason, tt.mention)
				}
			}
		})
	}
}

// TestBarcodeUnreadable: a symbol on the back that cannot be decoded (its
// data columns scratched out, start and stop columns intact) leaves the
// barcode checks NOT_PERFORMED (IDV0056) and never lets the client's
// payload stand in for it; a back with no symbol at all fails (IDV0047).
func TestBarcodeUnreadable(t *testing.T) {
	raw, _ := json.Marshal(barcodeSample())
	newRun := func() *run {
		return &run{c: &Connector{opts: Options{MaxAgeYears: 120}}, now: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
			client: clientSide{LastName: "SAMPLE", DocumentNumber: "T64235789"}}
	}
	r := newRun()
	r.back = r.barcodeChecks(image.NewGray(image.Rect(0, 0, 640, 400)), clientSide{Barcode: raw})
	if len(r.back) != 1 || r.back[0].Result != idproof.CheckFail || r.back[0].Reason != "IDV0047" {
		t.Errorf("blank back: %+v", r.back)
	}

	back := licenceBack(t, barcodeSample()).(*image.RGBA)
	draw.Draw(back, image.Rect(250, 260, 750, 540), &image.Uniform{color.Black}, image.Point{}, draw.Src)
	r = newRun()
	r.back = r.barcodeChecks(back, clientSide{Barcode: raw})
	r.crossChecks()
	if len(r.back) != 1 || r.back[0].Name != "native.barcode_present" || r.back[0].Result != idproof.CheckNotPerformed || r.back[0].Reason != "IDV0056" {
		t.Fatalf("back checks %+v", r.back)
	}
	if r.barcode != nil || !r.retryable {
		t.Errorf("barcode %+v retryable %v", r.barcode, r.retryable)
	}
	for _, c := range r.fraud {
		if c.Name == "native.cross_barcode" && (c.Result != idproof.CheckNotPerformed || c.Reason != "IDV0056") {
			t.Errorf("%+v", c)
		}
		if c.Result == idproof.CheckPass {
			t.Errorf("passed on the client's word: %+v", c)
		}
	}
}
