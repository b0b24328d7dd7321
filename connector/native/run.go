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
	"github.com/idproof/idproof/pdf417"
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
	decodedPayload      []byte     // the barcode payload decoded from the image
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

// barcodeChecks decodes the PDF417 symbol on the back, validates its
// AAMVA payload and compares the payload the capture client read with it.
// Only what this server decoded is a source for the cross-checks: a
// client's payload is a claim, compared and never trusted, so an
// unreadable symbol leaves the barcode checks NOT_PERFORMED.
func (r *run) barcodeChecks(back image.Image, clientBack clientSide) []idproof.Check {
	claimed := barcodePayload(clientBack.Barcode)
	if claimed == nil {
		claimed = barcodePayload(r.client.Barcode)
	}
	sym, err := pdf417.Decode(back)
	if err != nil {
		r.retryable = true
		if ok, _ := docimage.HasPDF417(back); !ok {
			// Not even the start and stop columns of a symbol: the
			// barcode is missing, which a licence's back must not be.
			return []idproof.Check{check("native.barcode_present", idproof.CheckFail, "IDV0047", "no PDF417 symbol found on the back")}
		}
		msg := "a PDF417 symbol is on the back but could not be read ( could be read from the back (" + strings.TrimPrefix(err.Error(), "pdf417: ") + "); retake the photo, flat and in focus"
		out := []idproof.Check{check("native.barcode_present", idproof.CheckNotPerformed, "IDV0056", msg)}
		if claimed != nil {
			r.fraud = append(r.fraud, check("native.cross_barcode", idproof.CheckNotPerformed, "IDV0056",
				"the capture client's barcode data could not be compared: "+msg))
		}
		return out
	}
	present := check("native.barcode_present", idproof.CheckPass, "", fmt.Sprintf(
		"PDF417 symbol decoded from the back: %d rows × %d columns, security level %d, %d codewords corrected", sym.Rows, sym.Columns, sym.Level, sym.Corrected))
	present.Details = map[string]float64{"rows": float64(sym.Rows), "columns": float64(sym.Columns), "level": float64(sym.Level),
		"corrected": float64(sym.Corrected), "erasures": float64(sym.Erasures)}
	r.decodedPayload = sym.Payload
	out := []idproof.Check{present, r.barcodeData(sym.Payload)}
	if claimed != nil {
		r.fraud = append(r.fraud, r.compareBarcode(claimed))
	}
	return out
}

// barcodeData validates the AAMVA payload decoded from the image and keeps
// it as a source for the cross-checks.
func (r *run) barcodeData(payload []byte) idproof.Check {
	res, err := aamva.Parse(payload)
	switch {
	case err != nil:
		return check("native.barcode_data", idproof.CheckFail, "IDV0047", "barcode data: "+err.Error())
	case res.Incomplete():
		// Damaged when it was printed or encoded (a lost separator,
		// bytes no character set decodes): what was read is sound and
		// is compared below, but a field that could not be read cannot
		// pass or fail anything.
		r.barcode = res
		return check("native.barcode_data", idproof.CheckNotPerformed, "IDV0021",
			"barcode data could not be read completely: "+strings.Join(res.Errors(), "; "))
	case !res.Valid():
		return check("native.barcode_data", idproof.CheckFail, "IDV0047", "barcode data: "+strings.Join(res.Errors(), "; "))
	}
	r.barcode = res
	return check("native.barcode_data", idproof.CheckPass, "", fmt.Sprintf("AAMVA version %d payload decoded from the image is valid", res.Version))
}

// compareBarcode compares the payload the capture client read with the
// one decoded from the image: the same bytes pass; otherwise every field
// the cross-checks use must agree, and the first that does not is named.
func (r *run) compareBarcode(claimed []byte) idproof.Check {
	const name = "native.cross_barcode"
	b := r.barcode
	if b == nil {
		return check(name, idproof.CheckNotPerformed, "IDV0021", "the barcode decoded from the image is not a valid AAMVA payload to compare with")
	}
	if bytes.Equal(bytes.TrimSpace(claimed), bytes.TrimSpace(r.decodedPayload)) {
		return check(name, idproof.CheckPass, "", "the capture client's barcode data is the payload decoded from the image")
	}
	c, err := aamva.Parse(claimed)
	if err != nil {
		return check(name, idproof.CheckFail, "IDV0047", "the capture client's barcode data is not the payload on the image: "+err.Error())
	}
	if !c.Valid() {
		return check(name, idproof.CheckFail, "IDV0047", "the capture client's barcode data is not the payload on the image: "+strings.Join(c.Errors(), "; "))
	}
	for _, f := range []struct{ field, image, client string }{
		{"documentNumber", b.DocumentNumber, c.DocumentNumber},
		{"lastName", b.FamilyName, c.FamilyName},
		{"firstName", b.FirstName, c.FirstName},
		{"dateOfBirth", b.BirthDate.String(), c.BirthDate.String()},
		{"dateOfExpiry", b.ExpiryDate.String(), c.ExpiryDate.String()},
	} {
		if norm(f.image) != norm(f.client) {
			return check(name, idproof.CheckFail, "IDV0040", fmt.Sprintf("%s: the barcode on the image says %q, the capture client's barcode data says %q", f.field, f.image, f.client))
		}
	}
	return check(name, idproof.CheckPass, "", "the capture client's barcode data agrees with the payload decoded from the image")
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
