package proofing

import "fmt"

// Reason codes (IDV00nn). This is the one catalog; docs/reasons.md lists
// the same codes for integrators. Codes the vendor is known to use keep
// their meaning (0006, 0010, 0016).
const (
	ReasonUnsupportedDocument = "IDV0006" // the document type is not supported
	ReasonModuleFailed        = "IDV0010" // "Module '<name> check' failed"
	ReasonNoImages            = "IDV0016" // the session ended without image upload
	ReasonConnectorError      = "IDV0020" // the connector could not be reached or failed
	ReasonNotPerformed        = "IDV0021" // the connector did not perform the check
	ReasonNotAvailable        = "IDV0022" // the check is not available in this connector
	ReasonReview              = "IDV0023" // manual review requested
	ReasonNotReported         = "IDV0024" // a requested check was not reported by the connector
	ReasonExpired             = "IDV0030" // the session expired
	ReasonAbandoned           = "IDV0031" // the session was abandoned
	ReasonDeclined            = "IDV0032" // the user declined
	ReasonRetryCancelled      = "IDV0033" // the user gave up after a failed attempt
	ReasonRedacted            = "IDV0034" // the relying party redacted the session before it ended
	ReasonReviewRejected      = "IDV0035" // a reviewer rejected the session
	ReasonMismatch            = "IDV0040" // two sources of the same field disagree
	ReasonImageQuality        = "IDV0041" // resolution, blur or glare out of bounds
	ReasonNoFace              = "IDV0042" // no face where one is needed
	ReasonManyFaces           = "IDV0043" // more than one face
	ReasonDocumentExpired     = "IDV0044" // the document is past its expiry date
	ReasonBirthDate           = "IDV0045" // the birth date is implausible
	ReasonMRZInvalid          = "IDV0046" // the MRZ fails its check digits or format
	ReasonBarcodeInvalid      = "IDV0047" // the barcode is missing or its data is invalid
	ReasonMRZUnreadable       = "IDV0048" // no MRZ could be read from the image
	ReasonSpecimen            = "IDV0049" // the document is a specimen (ICAO's state of Utopia)
	ReasonFaceMismatch        = "IDV0050" // the selfie's face does not match the document portrait
	ReasonNoLivenessFrames    = "IDV0051" // no head-turn frames to check liveness with
	ReasonNoHeadTurn          = "IDV0052" // the head turn asked for was not seen
	ReasonRepeatedFrames      = "IDV0053" // the liveness frames repeat one picture
	ReasonFaceChanged         = "IDV0054" // the liveness frames do not show the selfie's person throughout
	ReasonLivenessDoubt       = "IDV0055" // the passive liveness models flag the selfie
	ReasonBarcodeUnreadable   = "IDV0056" // no barcode could be read from the image
)

// Reasons maps each code to its description.
var Reasons = map[string]string{
	ReasonUnsupportedDocument: "the document type is not supported",
	ReasonModuleFailed:        "a verification module failed",
	ReasonNoImages:            "the session ended without image upload",
	ReasonConnectorError:      "the verification connector failed; no check was performed",
	ReasonNotPerformed:        "the connector did not perform the check",
	ReasonNotAvailable:        "the check is not available in this connector",
	ReasonReview:              "the connector asked for manual review",
	ReasonNotReported:         "a requested check was not reported by the connector",
	ReasonExpired:             "the session expired before it was completed",
	ReasonAbandoned:           "the session was abandoned (no activity)",
	ReasonDeclined:            "the user declined the session",
	ReasonRetryCancelled:      "the user cancelled the retry after a failed attempt",
	ReasonRedacted:            "the relying party redacted the session before it ended",
	ReasonReviewRejected:      "a reviewer rejected the session",
	ReasonMismatch:            "two sources of the same field disagree",
	ReasonImageQuality:        "the image's resolution, sharpness or glare is out of bounds",
	ReasonNoFace:              "no face was found where one is needed",
	ReasonManyFaces:           "more than one face was found",
	ReasonDocumentExpired:     "the document has expired",
	ReasonBirthDate:           "the birth date is implausible",
	ReasonMRZInvalid:          "the MRZ fails its format or check digits",
	ReasonBarcodeInvalid:      "the barcode is missing or its data is invalid",
	ReasonMRZUnreadable:       "no MRZ could be read from the image",
	ReasonSpecimen:            "the document is a specimen, not an identity document",
	ReasonFaceMismatch:        "the face on the selfie does not match the document portrait",
	ReasonNoLivenessFrames:    "no head-turn frames were filmed, so liveness could not be confirmed",
	ReasonNoHeadTurn:          "the head turn asked for was not seen in the frames",
	ReasonRepeatedFrames:      "the liveness frames repeat one still picture",
	ReasonFaceChanged:         "the liveness frames do not show the selfie's person throughout",
	ReasonLivenessDoubt:       "the passive liveness models flag the selfie as a possible screen or print",
	ReasonBarcodeUnreadable:   "no barcode could be read from the image",
}

// moduleFailed is the vendor's message for a failed check.
func moduleFailed(check string) string { return fmt.Sprintf("Module '%s check' failed", check) }
