package proofing

import (
	"fmt"
	"slices"
	"strings"
)

// ImageNames are the images a session may receive, as the API document
// lists them for presigned URLs.
var ImageNames = []string{
	"document_front_image", "document_front_image_compressed", "document_front_face",
	"document_back_image", "document_back_image_compressed", "document_back_imageBarcode",
	"document_back_imageBarcode_compressed", "selfie_liveness_image",
}

// Sides of the evidence, as submissions name them.
const (
	SideFront  = "document_front"
	SideBack   = "document_back"
	SideSelfie = "selfie"
)

// verificationSides maps submit/verification/{name} to a side.
var verificationSides = map[string]string{
	"document_liveness_front": SideFront,
	"document_liveness_back":  SideBack,
	"selfie_liveness":         SideSelfie,
}

// VerificationSide is the side a submit/verification name stands for, or "".
func VerificationSide(name string) string { return verificationSides[name] }

// ImageSlot names the image an inline images{image, cropped, face,
// imageBarcode} field of a side is stored as.
func ImageSlot(side, field string) (string, error) {
	var name string
	switch side + "/" + field {
	case SideFront + "/image":
		name = "document_front_image"
	case SideFront + "/cropped":
		name = "document_front_image_compressed"
	case SideFront + "/face":
		name = "document_front_face"
	case SideBack + "/image":
		name = "document_back_image"
	case SideBack + "/cropped":
		name = "document_back_image_compressed"
	case SideBack + "/imageBarcode":
		name = "document_back_imageBarcode"
	case SideSelfie + "/image", SideSelfie + "/face", SideSelfie + "/cropped":
		name = "selfie_liveness_image"
	default:
		return "", invalid("%s.images.%s is not an image this side can have", side, field)
	}
	return name, nil
}

// CheckImageName refuses names the document does not list; field names the
// offending request field in the error.
func CheckImageName(field, name string) error {
	if !slices.Contains(ImageNames, name) {
		return invalid("%s %q is not one of %v", field, name, ImageNames)
	}
	return nil
}

// UploadContentType is the Content-Type a presigned upload of name is bound
// to by default: the document's examples use PNG for full document images
// and barcodes, JPEG for the rest.
func UploadContentType(name string) string {
	switch name {
	case "document_front_image", "document_back_image", "document_back_imageBarcode":
		return "image/png"
	}
	return "image/jpeg"
}

// Extension is the file extension objects of contentType are named with,
// as the API document's example URLs show them (.png, .jpeg), so that a
// client can tell from a presigned URL which Content-Type it is bound to.
func Extension(contentType string) string {
	switch contentType {
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	}
	return ".jpeg"
}

// uploadName splits an uploaded object's file name into the image name and
// the Content-Type its extension stands for; ok is false for files that
// are not an image name with one of the extensions.
func uploadName(file string) (name, contentType string, ok bool) {
	for _, ct := range []string{"image/png", "image/jpeg", "image/webp"} {
		if n, found := strings.CutSuffix(file, Extension(ct)); found && slices.Contains(ImageNames, n) {
			return n, ct, true
		}
	}
	return "", "", false
}

// objectPrefix is where a session's objects live in its bucket.
func objectPrefix(tenantID, communityID, sessionID string) string {
	return fmt.Sprintf("sessions/%s/%s/%s/", tenantID, communityID, sessionID)
}
