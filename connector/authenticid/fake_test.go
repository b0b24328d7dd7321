package authenticid

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/connector"
	"github.com/idproof/idproof/netguard"
	"github.com/idproof/idproof/proofing"
)

// Test credentials the fakes insist on.
const (
	testAccessKey = "access-key-1"
	testSecret    = "secret-token-1"
	testUser      = "cfweb-user"
	testPassword  = "cfweb-pass"
	testJWT       = "jwt-abc"
)

// pngImage is a small but real image, so the fake can check that the
// multipart parts decode.
func pngImage(t testing.TB, shade uint8) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 8, 5))
	for i := range img.Pix {
		img.Pix[i] = shade
	}
	img.Set(1, 1, color.Gray{Y: 255 - shade})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// airFake is a CFAir server that checks requests the documented way
// (headers, multipart parts holding images) and answers with reply.
type airFake struct {
	t           *testing.T
	wantBack    bool
	wantDocType string
	wantReqID   string
	reply       http.HandlerFunc
	calls       atomic.Int32
}

func (f *airFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	if problem := f.check(r); problem != "" {
		f.t.Errorf("CFAir request: %s", problem)
		http.Error(w, problem, http.StatusBadRequest)
		return
	}
	f.reply(w, r)
}

func (f *airFake) check(r *http.Request) string {
	if r.Method != http.MethodPost || r.URL.Path != "/AirApi/2.0/AuthenticateDocument" {
		return fmt.Sprintf("got %s %s", r.Method, r.URL.Path)
	}
	for name, want := range map[string]string{
		"AccountAccessKey": testAccessKey, "SecretToken": testSecret,
		"RequestIdentifier": f.wantReqID, "DocumentType": f.wantDocType, "DeviceType": "Web",
	} {
		if got := r.Header.Get(name); got != want {
			return fmt.Sprintf("header %s = %q, want %q", name, got, want)
		}
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data; boundary=") {
		return "Content-Type is " + r.Header.Get("Content-Type")
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return "multipart: " + err.Error()
	}
	for field, want := range map[string]bool{"FrontImage": true, "BackImage": f.wantBack} {
		files := r.MultipartForm.File[field]
		if len(files) != map[bool]int{true: 1, false: 0}[want] {
			return fmt.Sprintf("%d %s parts, want present=%v", len(files), field, want)
		}
		if !want {
			continue
		}
		if ct := files[0].Header.Get("Content-Type"); ct != "image/png" {
			return fmt.Sprintf("%s Content-Type %q", field, ct)
		}
		fh, err := files[0].Open()
		if err != nil {
			return err.Error()
		}
		_, format, err := image.Decode(fh)
		fh.Close()
		if err != nil || format != "png" {
			return fmt.Sprintf("%s does not decode as an image: %v", field, err)
		}
	}
	return ""
}

// reply answers with a status and a body.
func reply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// stall answers only after the client has given up.
func stall(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
	reply(http.StatusOK, airBody(99, "Passed", ""))(w, r)
}

// airBody is an AuthenticateDocument answer shaped like the vendor's, with
// DQL fields in DocumentRiskConditions and fields this code does not know.
func airBody(code int, result, segment string) string {
	return fmt.Sprintf(`{
	"TransactionId": "TX-1", "DocumentId": "D-1", "ApiVersion": 2,
	"AuthenticationResult": %q, "SegmentName": %q,
	"ActionCodes": {"code": %d, "actionMessage": "Please click to Continue.", "cat": "Environment"},
	"ErrorCodes": {},
	"DocumentCharacteristics": {"Classification": {"state": "CA", "country": "USA", "type": "DL"}},
	"DocumentEncoding": {"FirstName": "JANE", "Surname": "DOE", "Label_21": "x"},
	"DocumentRiskConditions": {"DQL_Default_Results": {
		"DQL_Final_FirstName_Result": "JANE", "DQL_Final_Surname_Result": "DOE",
		"DQL_Final_MiddleName_Result": "Q",
		"DQL_Final_DocumentNumber_Result": "D1234567",
		"DQL_Final_BirthDate_Result": "21/May/1987", "DQL_Final_ExpirationDate_Result": "2030-06-09",
		"DQL_Final_IssueDate_Result": "05/06/2020", "DQL_Final_Sex_Result": "Female",
		"DQL_Final_AddressLine1_Result": "1 MAIN ST", "DQL_Final_AddressCity_Result": "SACRAMENTO",
		"DQL_Final_AddressState_Result": "CA", "DQL_Final_AddressPostalCode_Result": "95814",
		"DQL_Materials_Replica_Result": "Passed"}},
	"DQL_Classification_DocumentIssuerCountryCode": "USA",
	"VendorFutureField": {"nested": [1, 2, 3]}
}`, result, segment, code)
}

// config builders: a valid configuration, changed by the caller.
func airConfig(api string) map[string]any {
	return map[string]any{"airAccessKey": testAccessKey, "airSecretToken": testSecret, "airAPI": api,
		"faceAPI": "https://face.example.com", "faceAPIKey": "k"}
}

func webConfig(airAPI, webURL string) map[string]any {
	c := airConfig(airAPI)
	c["document_share_session_enabled"] = "true"
	c["accountCode"] = "9999"
	c["cfweb_url"] = webURL
	c["cfweb_cert"] = testUser
	c["cfweb_key"] = testPassword
	c["cfweb_channelConfiguration"] = map[string]any{"enableSelfieCapture": true, "requestExpiryTimeInMin": 60}
	c["cfweb_channelResponse"] = []string{"DQL_Final_FirstName_Result", "DQL_Final_Surname_Result", "ImageFront"}
	return c
}

func verification(extra map[string]any) map[string]any {
	v := map[string]any{"verifier": "authenticid", "action_code": 99}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

func mustJSON(t testing.TB, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// build runs the constructor as the registry would.
func build(t testing.TB, conn, ver map[string]any, allowPrivate bool) (*Connector, error) {
	t.Helper()
	c, err := New(connector.Config{
		Connector: mustJSON(t, conn), Verification: mustJSON(t, ver),
		HTTP: netguard.Client(netguard.Options{AllowPrivate: allowPrivate}), AllowPrivate: allowPrivate,
	})
	if err != nil {
		return nil, err
	}
	return c.(*Connector), nil
}

func mustBuild(t testing.TB, conn, ver map[string]any) *Connector {
	t.Helper()
	c, err := build(t, conn, ver, true)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// outcome is what the engine would derive from v.
func outcome(v *idproof.Verdict) idproof.Outcome {
	o, _, _ := proofing.DeriveOutcome(v.Checks, v.Review, false)
	return o
}
