package microblink_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/connector/microblink"
	mbt "github.com/idproof/idproof/connector/microblink/microblinktest"
)

// TestRequestBodyURLMode builds bodies with images by URL and by base64
// and has the fake, which checks the documented shape, accept them.
func TestRequestBodyURLMode(t *testing.T) {
	srv := mbt.NewServer()
	defer srv.Close()
	imgs := microblink.Images{
		Front:   &microblink.Source{URL: "https://images.example.com/front.jpg"},
		Back:    &microblink.Source{Data: back},
		Barcode: &microblink.Source{URL: "https://images.example.com/barcode.png", Data: barcode},
	}
	opts := map[string]json.RawMessage{"treatExpirationAsFraud": json.RawMessage(`true`)}
	for _, v1 := range []bool{false, true} {
		body, err := microblink.RequestBody(v1, imgs, opts, json.RawMessage(`{"documentVerificationPolicy":"Strict"}`), "s-1")
		if err != nil {
			t.Fatal(err)
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(body, &top); err != nil {
			t.Fatal(err)
		}
		wantFront, wantBack := `{"url":"https://images.example.com/front.jpg"}`, `{"base64":`
		endpoint := srv.URLV2()
		if v1 {
			wantFront, wantBack, endpoint = `{"imageUrl":"https://images.example.com/front.jpg"}`, `{"imageBase64":`, srv.URLV1()
			if top["useCase"] != nil || top["options"] != nil || string(top["treatExpirationAsFraud"]) != "true" {
				t.Errorf("v1 body %s: options belong at the top level, and there is no useCase", body)
			}
		} else if !strings.Contains(string(top["options"]), "treatExpirationAsFraud") || top["useCase"] == nil {
			t.Errorf("v2 body %s: options and useCase missing", body)
		}
		if string(top["imageFront"]) != wantFront || !strings.HasPrefix(string(top["imageBack"]), wantBack) {
			t.Errorf("v1=%v body %s", v1, body)
		}
		req, _ := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
		req.SetBasicAuth(mbt.ClientID, mbt.ClientSecret)
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("v1=%v: fake answered %d: %v", v1, resp.StatusCode, srv.Problems())
		}
		got := srv.Requests()[len(srv.Requests())-1]
		if got.Front.URL != imgs.Front.URL || !bytes.Equal(got.Back.Data, back) || got.Barcode.URL != imgs.Barcode.URL {
			t.Errorf("v1=%v: fake read %+v", v1, got)
		}
	}
	if _, err := microblink.RequestBody(false, microblink.Images{}, nil, nil, "s"); err == nil {
		t.Error("a body without a front image was built")
	}
}

func TestOptionsPassThrough(t *testing.T) {
	srv := mbt.NewServer()
	defer srv.Close()
	verification := `{"verifier":"mb","debug":true,"checks":["fraud_detection"],"treatExpirationAsFraud":true,
		"screenMatchLevel":"Level5","options":{"returnFaceImage":true},"useCase":{"manualReviewStrategy":"Never"}}`
	fields := map[string]any{"options": map[string]any{"returnFaceImage": false, "imageQualityInterpretation": "Strict"},
		"useCase": map[string]any{"manualReviewStrategy": "RejectedAndAccepted"}}
	c := build(t, srv, fields, verification)
	if _, err := c.Verify(context.Background(), evidence(docChecks)); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	want := map[string]string{"treatExpirationAsFraud": "true", "screenMatchLevel": `"Level5"`, "returnFaceImage": "true",
		"imageQualityInterpretation": `"Strict"`}
	for k, v := range want {
		if string(r.Options[k]) != v {
			t.Errorf("options.%s = %s, want %s", k, r.Options[k], v)
		}
	}
	for _, k := range []string{"verifier", "debug", "checks"} {
		if _, ok := r.Options[k]; ok {
			t.Errorf("engine setting %s sent to the vendor", k)
		}
	}
	if !strings.Contains(string(r.UseCase), "Never") {
		t.Errorf("verification useCase does not win: %s", r.UseCase)
	}

	// The verification object can switch to v1, whose options sit at the
	// top level of the request.
	c = build(t, srv, fields, `{"useV1BlinkIdVerify":true,"treatExpirationAsFraud":false}`)
	if _, err := c.Verify(context.Background(), evidence(docChecks)); err != nil {
		t.Fatal(err)
	}
	if r := srv.Requests()[1]; r.Version != 1 || string(r.Options["treatExpirationAsFraud"]) != "false" {
		t.Errorf("v1 request %+v", r)
	}
	if p := srv.Problems(); len(p) > 0 {
		t.Errorf("the fake refused requests: %v", p)
	}
}

func TestDocumentData(t *testing.T) {
	srv := mbt.NewServer()
	defer srv.Close()
	for _, v1 := range []bool{false, true} {
		v, err := build(t, srv, map[string]any{"useV1BlinkIdVerify": v1}, "").Verify(context.Background(), evidence(docChecks))
		if err != nil {
			t.Fatal(err)
		}
		want := idproof.DocumentData{
			DocumentType: idproof.DocDriversLicense, DocumentID: mbt.DocumentNumber, FirstName: mbt.FirstName, LastName: mbt.LastName,
			FullName: mbt.FirstName + " " + mbt.LastName, DOB: mbt.DateOfBirth, DOE: mbt.DateOfExpiry, Gender: "F",
			Country: "USA", Address: "1 MAIN ST, ANYTOWN",
		}
		if v.Document != want {
			t.Errorf("v1=%v document\n got %+v\nwant %+v", v1, v.Document, want)
		}
	}
}

func TestImages(t *testing.T) {
	srv := mbt.NewServer()
	defer srv.Close()
	c := build(t, srv, nil, "")

	// Without a front image the vendor is not called.
	ev := evidence(docChecks)
	ev.Images = map[string][]byte{"document_back_image": back, "selfie_liveness_image": front}
	v, err := c.Verify(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range v.Checks {
		if ch.Result != idproof.CheckNotPerformed || ch.Reason != "IDV0016" {
			t.Errorf("without images: %+v", ch)
		}
	}
	if len(v.Checks) != len(docChecks) || outcome(v, nil) != idproof.OutcomeNotPerformed || len(srv.Requests()) != 0 {
		t.Errorf("without images: %d checks, outcome %s, %d calls", len(v.Checks), outcome(v, nil), len(srv.Requests()))
	}

	// The compressed front stands in for a missing original; without a
	// back image the back was not checked, whatever the vendor says.
	ev.Images = map[string][]byte{"document_front_image_compressed": front}
	v, err = c.Verify(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	if !bytes.Equal(r.Front.Data, front) || r.Back != nil || r.Barcode != nil {
		t.Errorf("request %+v", r)
	}
	if ch := find(t, v, "document_liveness_back"); ch.Result != idproof.CheckNotPerformed || ch.Reason != "IDV0016" {
		t.Errorf("document_liveness_back = %+v", ch)
	}
	if got := outcome(v, nil); got != idproof.OutcomeNotPerformed {
		t.Errorf("outcome %s", got)
	}
	ev.Checks = []string{"document_liveness_front", "fraud_detection"}
	if v, err = c.Verify(context.Background(), ev); err != nil || outcome(v, nil) != idproof.OutcomePass {
		t.Errorf("front checks of an accepted front-only document: %v, %v", err, v)
	}

	// No requested checks: fraud_detection stands for the overall verdict.
	ev.Checks = nil
	if v, err = c.Verify(context.Background(), ev); err != nil || find(t, v, "fraud_detection").Result != idproof.CheckPass {
		t.Errorf("no requested checks: %v, %+v", err, v)
	}
}

func TestWrongCredentials(t *testing.T) {
	srv := mbt.NewServer()
	defer srv.Close()
	c := build(t, srv, map[string]any{"clientSecret": "wrong"}, "")
	v, err := c.Verify(context.Background(), evidence(docChecks))
	if err == nil || v != nil || !strings.Contains(err.Error(), "HTTP 401") || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("verdict %+v, error %v", v, err)
	}
}

func TestCancelled(t *testing.T) {
	srv := mbt.NewServer()
	defer srv.Close()
	srv.SetScenario(mbt.Slow)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if v, err := build(t, srv, nil, "").Verify(ctx, evidence(docChecks)); err == nil || v != nil {
		t.Fatalf("verdict %+v, error %v", v, err)
	}
}

func TestRedirectRefused(t *testing.T) {
	srv := mbt.NewServer()
	defer srv.Close()
	redirect := httptest.NewServer(http.RedirectHandler(srv.URLV2(), http.StatusTemporaryRedirect))
	defer redirect.Close()
	c := build(t, srv, map[string]any{"verifierUrlV2": redirect.URL + mbt.PathV2}, "")
	if v, err := c.Verify(context.Background(), evidence(docChecks)); err == nil || v != nil || !strings.Contains(err.Error(), "HTTP 307") {
		t.Fatalf("verdict %+v, error %v", v, err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the redirect was followed: %d requests", n)
	}
}
