package workflow

import (
	"encoding/base64"

	"github.com/idproof/idproof"
)

// Names of the steps of the default workflows.
const (
	StepConsent    = "consent"
	StepFront      = "capture_front"
	StepBack       = "capture_back"
	StepSelfie     = "capture_selfie"
	StepProcessing = "processing"
)

// The pages of the default workflows. They are deliberately plain: the
// capture flow styles them, and buttons report their data-action to the
// flow, which runs the step's action of that name.
const (
	consentPage = `<section class="idp-consent">
  <h1>Verify your identity</h1>
  <p>We will ask you to photograph your identity document and take a selfie.
  The images are used only to confirm that the document is genuine and that it is yours.</p>
  <button type="button" data-action="agree">I agree, continue</button>
  <button type="button" data-action="decline">No thanks</button>
</section>
`
	frontPage = `<section class="idp-instructions">
  <h1>Front of your document</h1>
  <p>Place the front of the document on a dark, flat surface inside the frame. Avoid glare.</p>
</section>
`
	backPage = `<section class="idp-instructions">
  <h1>Back of your document</h1>
  <p>Turn the document over and capture the back, including the barcode.</p>
</section>
`
	passportPage = `<section class="idp-instructions">
  <h1>Your passport</h1>
  <p>Open the passport at the photo page and capture it with both lines of text at the bottom visible.</p>
</section>
`
	selfiePage = `<section class="idp-instructions">
  <h1>Take a selfie</h1>
  <p>Look straight at the camera in good light. Remove glasses and hats.</p>
</section>
`
	processingPage = `<section class="idp-processing">
  <h1>Checking your document</h1>
  <p>This takes a few seconds. Please keep this page open.</p>
</section>
`
)

// Default returns the built-in workflow for a document type, used when a
// community has no template of its own: consent, the captures the document
// needs, then processing. Passports have no back to capture; any other
// type gets the two-sided flow of driver's licenses and ID cards. Each call
// returns a new slice, so callers may change it.
func Default(documentType string) []Step {
	front := frontPage
	if documentType == idproof.DocPassport {
		front = passportPage
	}
	steps := []Step{
		{
			Name: StepConsent, Type: TypeHTML, HTML: b64(consentPage),
			Actions: []Action{
				{Name: "agree", On: "click", JumpTo: StepFront},
				{Name: "decline", On: "click", Call: "decline"},
			},
		},
		{Name: StepFront, Type: TypeCaptureFront, HTML: b64(front)},
	}
	if documentType != idproof.DocPassport {
		steps = append(steps, Step{Name: StepBack, Type: TypeCaptureBack, HTML: b64(backPage)})
	}
	steps = append(steps,
		Step{Name: StepSelfie, Type: TypeCaptureSelfie, HTML: b64(selfiePage)},
		Step{Name: StepProcessing, Type: TypeProcessing, HTML: b64(processingPage)},
	)
	// Each capture moves on to the next step once its image is taken.
	for i := 1; i < len(steps)-1; i++ {
		steps[i].Actions = []Action{{Name: "captured", On: "capture", JumpTo: steps[i+1].Name}}
	}
	return Normalize(steps)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
