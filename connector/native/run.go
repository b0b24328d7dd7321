package native

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // the intake step stores JPEG and PNG
	_ "image/png"
	"math"
	"strings"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/aamva"
	"github.com/idproof/idproof/docimage"
	"github.com/idproof/idproof/mrz"
	"github.com/idproof/idproof/mrzread"
)

// run is one verification: detail checks grouped under the session checks
// they make up.
type run struct {
	c   *Connector
	ev  idproof.Evidence
	now time.Time

	front, back, fraud, selfie, compare []idproof.Check
	retryable                           bool

	imageMRZ, clientMRZ *mrz.Result
	barcode             *aamva.Result
	client              clientSide // front-side extraction
}

func (r *run) img(name string) image.Image {
	b := r.ev.Images[name]
	if b == nil {
		return nil
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	return img
}

// checkSides runs every detail check the evidence allows.
func (r *run) checkSides(ctx context.Context) {
	var clientBack clientSide
	r.client, clientBack = clientData(r.ev.Extracted)
	front, back, selfie := r.img("document_front_image"), r.img("document_back_image"), r.img("selfie_liveness_image")

	// Each side is measured first: its resolution is judged by the size of
	// what is read on it (the MRZ's characters, the portrait), found next.
	fs, bs := r.measure(front, &r.front), r.measure(back, &r.back)
	if front == nil {
		r.front = append(r.front, check("native.front_image", idproof.CheckNotPerformed, "IDV0016", "no front image"))
	} else {
		r.front = append(r.front, r.portrait(fs))
	}
	if selfie != nil {
		r.selfie = append(r.selfie, r.selfieQuality(selfie), r.faces("native.selfie_face", selfie, "the selfie"))
	} else {
		r.selfie = append(r.selfie, check("native.selfie_image", idproof.CheckNotPerformed, "IDV0016", "no selfie image"))
	}
	if ctx.Err() != nil {
		return
	}
	// The face models cost a few tenths of a second an image: they run
	// for the checks that were asked for, not for every selfie.
	var person *subject
	if selfie != nil && (r.asked("face_compare") || r.asked("selfie_liveness")) {
		person = newSubject(selfie)
	}
	if person != nil && r.asked("selfie_liveness") {
		r.selfie = append(r.selfie, r.passiveLiveness(person), r.activeLiveness(ctx, person))
	}
	if r.asked("face_compare") {
		r.compare = append(r.compare, r.faceCompare(fs, person))
	}
	if ctx.Err() != nil {
		return
	}
	// A zone is read from whichever side carries it and its check is filed
	// under that side, so that it counts whichever sides were asked for.
	frontSide, backSide := fs, bs
	switch r.ev.DocumentType {
	case idproof.DocPassport:
		// The data page is the front; one filed as the back is read too.
		if !r.readMRZ(frontSide, backSide) {
			r.front = append(r.front, check("native.mrz", idproof.CheckNotPerformed, "IDV0048", "no MRZ could be read from the image"))
		}
	case idproof.DocIDCard:
		// TD1 cards carry the MRZ on the back; some print it on the front.
		// Cards without one (US state IDs) carry a PDF417 barcode instead.
		if !r.readMRZ(backSide, frontSide) && back != nil {
			r.back = append(r.back, r.barcodeChecks(back, clientBack)...)
		}
	case idproof.DocDriversLicense:
		// Licences rarely have a zone; one that is there is checked all
		// the same, so that a card sent as a licence is not spared it.
		r.readMRZ(frontSide, backSide)
		if back == nil {
			r.back = append(r.back, check("native.back_image", idproof.CheckNotPerformed, "IDV0016", "no back image"))
		} else {
			r.back = append(r.back, r.barcodeChecks(back, clientBack)...)
		}
	}
	// The quality checks go first in their side's list, where people look.
	if front != nil {
		r.front = append([]idproof.Check{r.quality("native.front_quality", fs)}, r.front...)
	}
	if back != nil {
		r.back = append([]idproof.Check{r.quality("native.back_quality", bs)}, r.back...)
	}
	r.clientMRZCheck(clientBack)
	r.crossChecks()
	r.dateChecks()
}

// readMRZ reads the MRZ from the first side whose image has one, files the
// native.mrz check under that side and reports whether a zone was found.
// Only a zone whose check digits hold is kept as a source for other checks:
// one that fails them is either forged or misread, and either way says
// nothing about the holder.
func (r *run) readMRZ(sides ...*sideImage) bool {
	for _, sd := range sides {
		if sd == nil || sd.img == nil {
			continue
		}
		reading, err := mrzread.Read(sd.img)
		if err != nil {
			continue
		}
		// Found, read well or not: its print size judges the resolution.
		sd.q.Features.MRZCharHeight = mrzCharHeight(reading)
		res, err := mrz.ParseAt(strings.Join(reading.Lines, "\n"), r.now)
		if err != nil {
			continue
		}
		var c idproof.Check
		switch {
		case reading.Doubtful():
			// A letter the check digits cannot vouch for (a name, a
			// country, the sex) was a near tie between two glyphs: the
			// zone may validate and still be misread.
			c = check("native.mrz", idproof.CheckNotPerformed, "IDV0048",
				fmt.Sprintf("the MRZ could not be read with confidence (margin %.3f between the best two readings of a character); retake the photo", reading.Doubt))
		case !res.Valid() && lowest(reading.Confidence) < sureRead:
			// A doubtful reading that fails its check digits is more likely
			// a misread (blur turns 0 into O) than a forged zone.
			c = check("native.mrz", idproof.CheckNotPerformed, "IDV0048",
				fmt.Sprintf("the MRZ could not be read with confidence (%.2f); retake the photo", lowest(reading.Confidence)))
		case !res.Valid():
			c = check("native.mrz", idproof.CheckFail, "IDV0046", "MRZ read from the image: "+strings.Join(res.Errors(), "; "))
		case res.Specimen() && !r.c.opts.AcceptSpecimens:
			c = check("native.mrz", idproof.CheckFail, "IDV0049", "the MRZ names "+mrz.SpecimenCode+
				", the specimen state of ICAO Doc 9303: a specimen is not an identity document")
		default:
			r.imageMRZ = res
			c = check("native.mrz", idproof.CheckPass, "", fmt.Sprintf("%s MRZ read from the image; every check digit is valid", res.Format))
		}
		c.Details = map[string]float64{"readConfidence": round(lowest(reading.Confidence), 3), "readMargin": round(reading.Doubt, 3),
			"mrzCharHeight": round(sd.q.Features.MRZCharHeight, 1), "angle": round(reading.Angle, 1)}
		*sd.checks = append(*sd.checks, c)
		return true
	}
	return false
}

// sureRead is the character-match score above which a reading is trusted
// enough for its check digits to fail the document: clean reads score
// above 0.88, misreads from blur appear at 0.75–0.86.
const sureRead = 0.85

func lowest(xs []float64) float64 {
	m := 1.0
	for _, x := range xs {
		m = min(m, x)
	}
	return m
}

// barcodeChecks confirms a PDF417 symbol on the back and validates the
// payload the capture client read from it.
func (r *run) barcodeChecks(back image.Image, clientBack clientSide) []idproof.Check {
	var out []idproof.Check
	if ok, _ := docimage.HasPDF417(back); ok {
		out = append(out, check("native.barcode_present", idproof.CheckPass, "", "a PDF417 symbol is on the back"))
	} else {
		r.retryable = true
		out = append(out, check("native.barcode_present", idproof.CheckFail, "IDV0047", "no PDF417 symbol found on the back"))
	}
	payload := barcodePayload(clientBack.Barcode)
	if payload == nil {
		payload = barcodePayload(r.client.Barcode)
	}
	if payload == nil {
		return append(out, check("native.barcode_data", idproof.CheckNotPerformed, "IDV0021", "the capture client sent no barcode data"))
	}
	res, err := aamva.Parse(payload)
	switch {
	case err != nil:
		return append(out, check("native.barcode_data", idproof.CheckFail, "IDV0047", "barcode data: "+err.Error()))
	case res.Incomplete():
		// Damaged on its way from the card (a lost separator, bytes the
		// scanner could not decode): what was read is sound and is
		// compared below, but a field that could not be read cannot
		// pass or fail anything.
		r.barcode = res
		return append(out, check("native.barcode_data", idproof.CheckNotPerformed, "IDV0021",
			"barcode data could not be read completely: "+strings.Join(res.Errors(), "; ")+"; rescan the barcode"))
	case !res.Valid():
		return append(out, check("native.barcode_data", idproof.CheckFail, "IDV0047", "barcode data: "+strings.Join(res.Errors(), "; ")))
	}
	r.barcode = res
	return append(out, check("native.barcode_data", idproof.CheckPass, "", fmt.Sprintf("AAMVA version %d payload read by the capture client is valid", res.Version)))
}

// clientMRZCheck validates an MRZ the client sent, and compares it with
// the one read from the image.
func (r *run) clientMRZCheck(clientBack clientSide) {
	raw := ""
	for _, s := range []clientSide{r.client, clientBack} {
		if s.MRZ != nil && s.MRZ.RawMRZString != "" {
			raw = s.MRZ.RawMRZString
			break
		}
	}
	if raw == "" {
		return
	}
	res, err := mrz.ParseAt(raw, r.now)
	if err != nil || !res.Valid() {
		msg := "the capture client's MRZ is malformed"
		if err == nil {
			msg = "the capture client's MRZ: " + strings.Join(res.Errors(), "; ")
		}
		r.fraud = append(r.fraud, check("native.client_mrz", idproof.CheckFail, "IDV0046", msg))
		return
	}
	r.clientMRZ = res
	if r.imageMRZ != nil {
		same := strings.Join(res.Lines, "") == strings.Join(r.imageMRZ.Lines, "")
		if !same {
			r.fraud = append(r.fraud, check("native.cross_mrz", idproof.CheckFail, "IDV0040", "mrz: the MRZ the capture client sent differs from the MRZ in the image"))
		} else {
			r.fraud = append(r.fraud, check("native.cross_mrz", idproof.CheckPass, "", "the capture client's MRZ matches the image"))
		}
	}
}

// mrzCharHeight is the print size of a zone read at any orientation: the
// box's extent along the lines, which run across the box of a page read
// upright or upside down and along it of one read on its side.
func mrzCharHeight(rd *mrzread.Reading) float64 {
	box := rd.Box
	if a := math.Mod(rd.Angle, 180); a > 45 && a < 135 {
		box = image.Rect(0, 0, box.Dy(), box.Dx())
	}
	return docimage.MRZCharHeight(box, len(rd.Lines[0]))
}
