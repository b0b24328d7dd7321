package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/capture"
	"github.com/idproof/idproof/postgres"
	"github.com/idproof/idproof/sqlite"
	"github.com/idproof/idproof/wire"
)

// The access matrix sends every route of the route table, with a request
// that succeeds when its credentials are right, once with right credentials
// and once with each wrong presentation of them that its access class must
// refuse. The route list comes from routes() itself, so a route added
// without an entry in mxRoutes fails the test instead of going untested.
//
// This test lives in package httpapi to read the route table; the shared
// test env of the external package is out of its reach, so mxEnv builds the
// same server here, with legacy auth explicitly off.

// mxStores are the stores the matrix runs on.
var mxStores = []struct {
	name string
	open func(t testing.TB) idproof.Store
}{
	{"sqlite", func(t testing.TB) idproof.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "idproof.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
	{"postgres", func(t testing.TB) idproof.Store { return postgres.OpenTest(t) }},
}

// TestAccessMatrixCoversRoutes fails when a route has no request builder
// (or a builder names no route), before any server is started.
func TestAccessMatrixCoversRoutes(t *testing.T) {
	table := mxRoutes()
	seen := map[string]bool{}
	for _, rt := range (&Server{}).routes() {
		if seen[rt.pattern] {
			t.Errorf("route %q appears twice in the route table", rt.pattern)
		}
		seen[rt.pattern] = true
		if _, ok := table[rt.pattern]; !ok {
			t.Errorf("route %q has no entry in mxRoutes: add how to build a valid request for it", rt.pattern)
		}
	}
	for p := range table {
		if !seen[p] {
			t.Errorf("mxRoutes has %q, which is not in the route table", p)
		}
	}
}

// TestAccessMatrix runs every route × every applicable credential fault.
func TestAccessMatrix(t *testing.T) {
	for _, sk := range mxStores {
		t.Run(sk.name, func(t *testing.T) {
			t.Parallel()
			x := newMxEnv(t, sk.open)
			table := mxRoutes()
			// The three unusable licenses must be told apart by nobody:
			// their answers are kept here and compared at the end.
			unusable := map[string]map[string]mxResult{}
			for _, rt := range x.srv.routes() {
				spec, ok := table[rt.pattern]
				if !ok {
					t.Errorf("route %q has no entry in mxRoutes", rt.pattern)
					continue
				}
				t.Run(rt.pattern, func(t *testing.T) {
					t.Run("valid credentials", func(t *testing.T) { x.runValid(t, rt, spec) })
					for _, fl := range mxFaults() {
						if !fl.applies(rt.class, spec) {
							continue
						}
						t.Run(fl.name, func(t *testing.T) {
							res := x.runFault(t, rt, spec, fl)
							if fl.unusable {
								if unusable[rt.pattern] == nil {
									unusable[rt.pattern] = map[string]mxResult{}
								}
								unusable[rt.pattern][fl.name] = res
							}
						})
					}
				})
			}
			t.Run("unknown, disabled and expired licenses answer alike", func(t *testing.T) {
				// Routes answering the same way are reported together.
				byAnswers := map[string][]string{}
				for _, rt := range x.srv.routes() {
					got := unusable[rt.pattern]
					if len(got) == 0 {
						continue
					}
					var answers []string
					for _, name := range mxUnusable {
						answers = append(answers, fmt.Sprintf("%s: %d %q", name, got[name].status, got[name].message()))
					}
					if r := got[mxUnusable[0]]; got[mxUnusable[1]].status != r.status || got[mxUnusable[2]].status != r.status ||
						got[mxUnusable[1]].message() != r.message() || got[mxUnusable[2]].message() != r.message() {
						key := strings.Join(answers, "; ")
						byAnswers[key] = append(byAnswers[key], rt.pattern)
					}
				}
				for answers, routes := range byAnswers {
					t.Errorf("the caller can tell the licenses apart on %d routes (%s …): %s", len(routes), routes[0], answers)
				}
			})
		})
	}
}

// mxFault is one wrong way of presenting credentials.
type mxFault struct {
	name    string
	applies func(cl class, r mxRoute) bool
	want    int
	// license names the license to send instead of the class's own.
	license  func(cl class) string
	skew     time.Duration // added to the requestid's ts
	stranger bool          // sent with a key pair other than the browser's
	unknown  bool          // the path names a session that does not exist
	replay   bool          // the same headers a second time
	unusable bool          // one of the three licenses that must answer alike
	foreign  bool          // the request names the license's own scope (mxRoute.foreign)
	edit     func(t testing.TB, x *mxEnv, h http.Header)
	editReq  func(r *mxRequest)
}

// mxUnusable are the faults whose answers must be identical.
var mxUnusable = []string{"unknown license", "disabled license", "expired license"}

// mxLicense is the least license a class takes (none for the session
// classes), so the valid case also pins the class's lower bound.
func mxLicense(cl class) string {
	switch cl {
	case licensed:
		return "basic"
	case serviceExt:
		return "service_ext"
	case service:
		return "service"
	case system:
		return "system"
	}
	return ""
}

// mxTooLow is the level just below what a class takes.
func mxTooLow(cl class) string {
	switch cl {
	case serviceExt:
		return "basic"
	case service:
		return "service_ext"
	}
	return "service"
}

func mxFaults() []mxFault {
	anyCred := func(cl class, _ mxRoute) bool { return cl != public }
	withLicense := func(cl class, _ mxRoute) bool { return cl >= licensed }
	mayLicense := func(cl class, _ mxRoute) bool { return cl >= sessionOrLicense }
	leveled := func(cl class, _ mxRoute) bool { return cl >= serviceExt }
	scoped := func(cl class, r mxRoute) bool { return cl != public && cl != session && r.scoped }
	bySession := func(cl class, _ mxRoute) bool { return cl == session || cl == sessionOrLicense }
	hasForeign := func(cl class, r mxRoute) bool { return scoped(cl, r) && r.foreign != nil }
	signed := func(_ class, r mxRoute) bool { return r.signed }
	query := func(r *mxRequest, edit func(q url.Values)) {
		path, raw, _ := strings.Cut(r.path, "?")
		q, _ := url.ParseQuery(raw)
		edit(q)
		r.path = path + "?" + q.Encode()
	}
	named := func(name string) func(class) string { return func(class) string { return name } }
	del := func(names ...string) func(testing.TB, *mxEnv, http.Header) {
		return func(_ testing.TB, _ *mxEnv, h http.Header) {
			for _, n := range names {
				h.Del(n)
			}
		}
	}
	set := func(name, value string) func(testing.TB, *mxEnv, http.Header) {
		return func(_ testing.TB, _ *mxEnv, h http.Header) { h.Set(name, value) }
	}
	garbage := make([]byte, 80)
	_, _ = rand.Read(garbage)
	offCurve := bytes.Repeat([]byte{1}, 64)
	// Far enough outside the window, whatever the server's span.
	skew := DefaultAllowedTimeSpan + 5*time.Minute
	return []mxFault{
		{name: "no headers", applies: anyCred, want: 401, edit: del("publickey", "requestid", "licensekey")},
		{name: "publickey without requestid", applies: anyCred, want: 401, edit: del("requestid")},
		{name: "requestid without publickey", applies: anyCred, want: 401, edit: del("publickey")},
		{name: "malformed publickey", applies: anyCred, want: 401, edit: set("publickey", "not a public key")},
		{name: "publickey off the curve", applies: anyCred, want: 401, edit: set("publickey", base64.StdEncoding.EncodeToString(offCurve))},
		{name: "requestid of another key pair", applies: anyCred, want: 401, edit: func(t testing.TB, x *mxEnv, h http.Header) {
			other := mxKey(t).Shared(x.serverPub)
			h.Set("requestid", wire.Encrypt(other, wire.RequestID{TS: time.Now().Unix(), AppID: "matrix", UUID: idproof.NewUUID()}.Marshal()))
		}},
		{name: "requestid not base64", applies: anyCred, want: 401, edit: set("requestid", "%%% not base64 %%%")},
		{name: "requestid of garbage bytes", applies: anyCred, want: 401, edit: set("requestid", base64.StdEncoding.EncodeToString(garbage))},
		{name: "requestid too old", applies: anyCred, want: 401, skew: -skew},
		{name: "requestid from the future", applies: anyCred, want: 401, skew: skew},
		{name: "replayed requestid", applies: anyCred, want: 401, replay: true},
		{name: "legacy headers with legacy auth off", applies: anyCred, want: 401, edit: func(_ testing.TB, x *mxEnv, h http.Header) {
			h.Del("publickey")
			h.Del("requestid")
			h.Del("licensekey")
			h.Set("keyId", x.creds.ServiceKey.KeyID)
			h.Set("keySecret", x.creds.ServiceKey.KeySecret)
			h.Set("license", x.creds.Licenses.System)
		}},
		{name: "licensekey missing", applies: withLicense, want: 401, edit: del("licensekey")},
		{name: "license in the clear with legacy auth off", applies: withLicense, want: 401, edit: func(_ testing.TB, x *mxEnv, h http.Header) {
			h.Del("licensekey")
			h.Set("license", x.creds.Licenses.System)
		}},
		{name: "licensekey of another key pair", applies: mayLicense, want: 401, license: named("system"), edit: func(t testing.TB, x *mxEnv, h http.Header) {
			h.Set("licensekey", wire.Encrypt(mxKey(t).Shared(x.serverPub), []byte(x.creds.Licenses.System)))
		}},
		{name: "unknown license", applies: mayLicense, want: 401, license: named("unknown license"), unusable: true},
		{name: "disabled license", applies: mayLicense, want: 401, license: named("disabled license"), unusable: true},
		{name: "expired license", applies: mayLicense, want: 401, license: named("expired license"), unusable: true},
		{name: "authLevel too low", applies: leveled, want: 403, license: mxTooLow},
		// docs/api.md: another scope's resources are "not found", so
		// their existence does not leak.
		{name: "license of another tenant", applies: scoped, want: 404, license: named("license of another tenant")},
		{name: "license of another community", applies: scoped, want: 404, license: named("license of another community")},
		{name: "another tenant's resource under the license's own tenant", applies: hasForeign, want: 404,
			license: named("license of another tenant"), foreign: true},
		{name: "another community's resource under the license's own community", applies: hasForeign, want: 404,
			license: named("license of another community"), foreign: true},
		{name: "unknown session", applies: bySession, want: 404, unknown: true},
		// ENDPOINTS.md: after start, calls from another key get 403.
		{name: "session bound to another key", applies: bySession, want: 403, stranger: true},
		// A signed URL is refused when anything it was signed for changes.
		{name: "URL without signature", applies: signed, want: 403, editReq: func(r *mxRequest) {
			query(r, func(q url.Values) { q.Del("sig") })
		}},
		{name: "URL with a forged signature", applies: signed, want: 403, editReq: func(r *mxRequest) {
			query(r, func(q url.Values) { q.Set("sig", base64.RawURLEncoding.EncodeToString(make([]byte, 32))) })
		}},
		{name: "URL with its expiry moved", applies: signed, want: 403, editReq: func(r *mxRequest) {
			query(r, func(q url.Values) { q.Set("exp", fmt.Sprint(time.Now().Add(time.Hour).Unix())) })
		}},
		{name: "URL used with another method", applies: signed, want: 403, editReq: func(r *mxRequest) { r.method = http.MethodGet }},
	}
}

// mxResult is an answer of the server.
type mxResult struct {
	status int
	header http.Header
	body   []byte
}

func (r mxResult) message() string {
	var eb errorBody
	_ = json.Unmarshal(r.body, &eb)
	return eb.Message
}

// runValid sends the route's request with right credentials: it must
// succeed, or the refusals of the faults would prove nothing.
func (x *mxEnv) runValid(t *testing.T, rt route, spec mxRoute) {
	f := x.fixture(t)
	req := spec.build(f)
	key, h := x.credentials(t, rt.class, f, mxLicense(rt.class), 0)
	if res := x.send(t, key, h, req); res.status/100 != 2 {
		t.Fatalf("%s %s with right credentials: %d %s", req.method, req.path, res.status, res.body)
	}
	if rt.class == sessionOrLicense {
		// The relying party's form: any key pair, and a license that
		// reaches the session.
		f = x.fixture(t)
		req = spec.build(f)
		key, h = x.credentials(t, licensed, f, "service", 0)
		if res := x.send(t, key, h, req); res.status/100 != 2 {
			t.Fatalf("%s %s with a license: %d %s", req.method, req.path, res.status, res.body)
		}
	}
	if rt.class == public {
		// Credentials a public route does not need are ignored, even broken.
		h = http.Header{}
		h.Set("publickey", "not a public key")
		h.Set("requestid", "%%%")
		h.Set("licensekey", "%%%")
		h.Set("keyId", "x")
		h.Set("keySecret", "y")
		h.Set("license", "z")
		req = spec.build(x.fixture(t))
		if res := x.send(t, key, h, req); res.status/100 != 2 {
			t.Fatalf("%s %s with broken, unneeded credentials: %d %s", req.method, req.path, res.status, res.body)
		}
	}
}

// runFault sends the route's request with the fault's credentials and
// checks the refusal: its status, its format, and that nothing changed.
func (x *mxEnv) runFault(t *testing.T, rt route, spec mxRoute, fl mxFault) mxResult {
	f := x.fixture(t)
	f.bind = fl.stranger
	if fl.unknown {
		f.unknown = idproof.NewUUID()
	}
	license := mxLicense(rt.class)
	if fl.license != nil {
		license = fl.license(rt.class)
	}
	var req mxRequest
	if fl.foreign {
		scope := x.scopes[license]
		req = spec.foreign(f, scope[0], scope[1])
	} else {
		req = spec.build(f)
	}
	if fl.editReq != nil {
		fl.editReq(&req)
	}
	if fl.stranger {
		f.browser = mxKey(t)
	}
	key, h := x.credentials(t, rt.class, f, license, fl.skew)
	if fl.edit != nil {
		fl.edit(t, x, h)
	}
	if fl.replay {
		if res := x.send(t, key, h, req); res.status/100 != 2 {
			t.Fatalf("first use of the requestid: %d %s", res.status, res.body)
		}
	}
	before := x.snapshot(t, f)
	res := x.send(t, key, h, req)
	after := x.snapshot(t, f)
	if d := cmp.Diff(before, after); d != "" {
		t.Errorf("%s %s changed state (-before +after):\n%s", req.method, req.path, d)
	}
	if res.status != fl.want {
		t.Errorf("%s %s: status %d, want %d: %.300s", req.method, req.path, res.status, fl.want, res.body)
	}
	if res.status >= 400 {
		mxCheckErrorBody(t, res)
	}
	return res
}

func (x *mxEnv) fixture(t *testing.T) *mxFixture {
	return &mxFixture{t: t, x: x, browser: mxKey(t)}
}

// credentials returns the key a case calls with and its headers: the
// browser's key for the session classes, a fresh one otherwise.
func (x *mxEnv) credentials(t *testing.T, cl class, f *mxFixture, license string, skew time.Duration) (*wire.PrivateKey, http.Header) {
	key := f.browser
	if cl != session && cl != sessionOrLicense {
		key = mxKey(t)
	}
	if cl == public {
		return key, http.Header{}
	}
	h, err := x.client(t, key, license, func() time.Time { return time.Now().Add(skew) }).Headers(x.ctx)
	mxMust(t, err)
	return key, h
}

// send makes req with headers h; an enveloped body is sealed for key.
func (x *mxEnv) send(t *testing.T, key *wire.PrivateKey, h http.Header, req mxRequest) mxResult {
	t.Helper()
	body, ctype := req.raw, req.ctype
	if req.body != nil {
		b, err := json.Marshal(req.body)
		mxMust(t, err)
		if req.envelope {
			b, err = json.Marshal(map[string]string{"data": wire.Encrypt(key.Shared(x.serverPub), b)})
			mxMust(t, err)
		}
		body, ctype = b, "application/json"
	}
	r, err := http.NewRequestWithContext(x.ctx, req.method, x.url+req.path, bytes.NewReader(body))
	mxMust(t, err)
	for k, v := range h {
		r.Header[k] = v
	}
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	resp, err := x.http.Do(r)
	mxMust(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	mxMust(t, err)
	return mxResult{status: resp.StatusCode, header: resp.Header, body: b}
}

func (x *mxEnv) put(u, ctype string, body []byte) error {
	r, err := http.NewRequestWithContext(x.ctx, http.MethodPut, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	r.Header.Set("Content-Type", ctype)
	resp, err := x.http.Do(r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("PUT %s: %d %s", u, resp.StatusCode, b)
	}
	return nil
}

// mxCheckErrorBody checks the API's error format.
func mxCheckErrorBody(t *testing.T, res mxResult) {
	t.Helper()
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error with Content-Type %q: %s", ct, res.body)
	}
	var eb errorBody
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&eb); err != nil {
		t.Errorf("error body is not the API's error format (%v): %q", err, res.body)
		return
	}
	if eb.StatusCode != res.status || eb.Error != http.StatusText(res.status) || eb.Message == "" {
		t.Errorf("error body %+v for status %d", eb, res.status)
	}
}

// mxState is what a refused request must leave as it was: every tenant,
// community, license, service key, configuration, template, bucket and
// capture setting, the number of sessions, and the sessions (with their
// stored objects) the request named.
type mxState struct {
	Tenants, Licenses, ServiceKeys, Communities, DVCs, Templates, Buckets, Capture []string
	Sessions                                                                       map[string]int
	Watched                                                                        []string
}

func (x *mxEnv) snapshot(t *testing.T, f *mxFixture) mxState {
	t.Helper()
	ctx := x.ctx
	st := mxState{Sessions: map[string]int{}}
	tenants, err := x.store.Tenants(ctx)
	mxMust(t, err)
	for _, tn := range tenants {
		st.Tenants = append(st.Tenants, fmt.Sprintf("%s %s %s", tn.ID, tn.DNS, tn.Name))
		cs, err := x.store.Communities(ctx, tn.ID)
		mxMust(t, err)
		for _, c := range cs {
			st.Communities = append(st.Communities, fmt.Sprintf("%s %s %s", c.TenantID, c.ID, c.Name))
			b, err := x.store.BucketByCommunity(ctx, tn.ID, c.ID)
			if err == nil {
				st.Buckets = append(st.Buckets, fmt.Sprintf("%s %s %s %s %v %v", c.ID, b.ID, b.Type, b.BucketName, b.IsEnabled, b.UpdatedAt))
			} else if !idproof.IsNotFound(err) {
				t.Fatal(err)
			}
			settings, err := capture.LoadSettings(ctx, x.store, c.ID)
			mxMust(t, err)
			st.Capture = append(st.Capture, fmt.Sprintf("%s %+v", c.ID, settings))
		}
		dvcs, err := x.store.VerificationConfigs(ctx, tn.ID, "")
		mxMust(t, err)
		for _, c := range dvcs {
			st.DVCs = append(st.DVCs, fmt.Sprintf("%s %s %s %v", c.ID, c.CommunityID, c.Name, c.UpdatedAt))
		}
		tps, err := x.store.Templates(ctx, tn.ID, "", "", "")
		mxMust(t, err)
		for _, tp := range tps {
			st.Templates = append(st.Templates, fmt.Sprintf("%s %s %s %s %v workflow=%x", tp.ID, tp.CommunityID, tp.DVCID, tp.DocumentType, tp.UpdatedAt, sha256.Sum256(tp.Workflow)))
		}
		_, n, err := x.store.Sessions(ctx, idproof.SessionFilter{TenantID: tn.ID, Limit: 1})
		mxMust(t, err)
		st.Sessions[tn.ID] = n
	}
	ls, err := x.store.Licenses(ctx, "")
	mxMust(t, err)
	for _, l := range ls {
		st.Licenses = append(st.Licenses, fmt.Sprintf("%s %s %s %s %s %v %v", l.ID, l.AuthLevel, l.TenantID, l.CommunityID, l.Tag, l.Disabled, l.ExpiresAt))
	}
	ks, err := x.store.ServiceKeys(ctx)
	mxMust(t, err)
	for _, k := range ks {
		st.ServiceKeys = append(st.ServiceKeys, fmt.Sprintf("%s %s %s", k.KeyID, k.Tag, k.Type))
	}
	for _, key := range f.objects {
		objs, err := x.local.List(ctx, key)
		mxMust(t, err)
		st.Watched = append(st.Watched, fmt.Sprintf("%s: %v", key, objs))
	}
	for _, id := range f.sessions {
		s, err := x.store.Session(ctx, id)
		mxMust(t, err)
		objs, err := x.local.List(ctx, fmt.Sprintf("sessions/%s/%s/%s/", s.TenantID, s.CommunityID, s.ID))
		mxMust(t, err)
		st.Watched = append(st.Watched, fmt.Sprintf("%s %s %s v%d retries=%d bound=%s last=%v objects=%v",
			s.ID, s.Status, s.Outcome, s.Version, s.Retries, s.BoundKey, s.LastActivityAt, objs))
	}
	return st
}

func mxKey(t testing.TB) *wire.PrivateKey {
	k, err := wire.GenerateKey()
	mxMust(t, err)
	return k
}

// mxImage is a w×h picture with some structure, as PNG or JPEG.
func mxImage(t testing.TB, w, h int, asJPEG bool) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 255})
		}
	}
	var b bytes.Buffer
	var err error
	if asJPEG {
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	} else {
		err = png.Encode(&b, img)
	}
	mxMust(t, err)
	return b.Bytes()
}

func mxMust(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
