package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/idproof/idproof/client"
	"github.com/idproof/idproof/wire"
)

// endpoint is one line of the access table: a request and its class.
type endpoint struct {
	method, path string
	body         func(e *env, t *testing.T) any
	class        string // public, license, system
}

func endpoints() []endpoint {
	return []endpoint{
		{method: "GET", path: "/healthz", class: "public"},
		{method: "GET", path: "/publickeys", class: "public"},
		{method: "GET", path: "/environment", class: "public"},
		{method: "GET", path: "/sd", class: "public"},
		{method: "GET", path: "/info", class: "license"},
		{method: "POST", path: "/ecdsa_helper/encrypt", class: "public", body: func(*env, *testing.T) any {
			a, _ := wire.GenerateKey()
			b, _ := wire.GenerateKey()
			return map[string]string{"dataStr": "hi", "publicKey": b.Public().String(), "privateKey": a.String()}
		}},
		{method: "GET", path: "/servicekeys", class: "system"},
		{method: "DELETE", path: "/servicekey/{new}", class: "system"},
	}
}

// accessCase breaks (or not) the credentials of a request.
type accessCase struct {
	name    string
	license string              // license to present
	opts    []client.Option     // client options
	edit    func(h http.Header) // header surgery
	replay  bool                // send the same headers twice, judge the second
	want    map[string]int      // class → status
}

func accessCases() []accessCase {
	all := func(public, license, system int) map[string]int {
		return map[string]int{"public": public, "license": license, "system": system}
	}
	return []accessCase{
		{name: "no headers", license: "system", edit: func(h http.Header) {
			for k := range h {
				delete(h, k)
			}
		}, want: all(200, 401, 401)},
		{name: "undecryptable requestid", license: "system", edit: func(h http.Header) {
			h.Set("requestid", "AAECAwQFBgcICQoLDA0ODwABAgMEBQYHCAkKCwwNDg8AAQIDBAUGBwgJCgsMDQ4P")
		}, want: all(200, 401, 401)},
		{name: "stale ts", license: "system", opts: []client.Option{client.WithClock(func() time.Time { return time.Now().Add(-5 * time.Minute) })}, want: all(200, 401, 401)},
		{name: "replayed requestid", license: "system", replay: true, want: all(200, 401, 401)},
		{name: "unknown license", license: "00000000-0000-4000-8000-000000000000", want: all(200, 401, 401)},
		{name: "disabled license", license: "disabled", want: all(200, 401, 401)},
		{name: "expired license", license: "expired", want: all(200, 401, 401)},
		{name: "authLevel too low", license: "basic", want: all(200, 200, 403)},
		{name: "authLevel service on system endpoint", license: "service", want: all(200, 200, 403)},
		{name: "correct", license: "system", want: all(200, 200, 200)},
	}
}

// TestAccessControl runs every endpoint of the foundation against every way
// of presenting credentials, on both stores.
func TestAccessControl(t *testing.T) {
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			e := newEnv(t, sk.open)
			for _, ep := range endpoints() {
				for _, ac := range accessCases() {
					t.Run(ep.method+" "+ep.path+"/"+ac.name, func(t *testing.T) {
						want := ac.want[ep.class]
						if got, body := e.send(t, ep, ac); got != want {
							t.Fatalf("status %d, want %d: %s", got, want, body)
						} else if got >= 400 {
							assertErrorBody(t, got, body)
						}
					})
				}
			}
		})
	}
}

// send makes the request of ep with the credentials of ac and returns the
// status and body of the (last) response.
func (e *env) send(t *testing.T, ep endpoint, ac accessCase) (int, []byte) {
	t.Helper()
	ctx := context.Background()
	c := e.client(t, ac.license, ac.opts...)
	path := ep.path
	if path == "/servicekey/{new}" {
		k, err := e.admin.CreateServiceKey(ctx, "", "service")
		if err != nil {
			t.Fatal(err)
		}
		path = "/servicekey/" + url.PathEscape(k.KeyID)
	}
	h, err := c.Headers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ac.edit != nil {
		ac.edit(h)
	}
	var body []byte
	if ep.body != nil {
		body, _ = json.Marshal(ep.body(e, t))
	}
	do := func() (int, []byte) {
		req, _ := http.NewRequest(ep.method, e.url+path, bytes.NewReader(body))
		for k, v := range h {
			req.Header[k] = v
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	status, b := do()
	if ac.replay {
		status, b = do()
	}
	return status, b
}

// assertErrorBody checks the API error format.
func assertErrorBody(t *testing.T, status int, body []byte) {
	t.Helper()
	var eb struct {
		StatusCode int    `json:"statusCode"`
		Error      string `json:"error"`
		Message    string `json:"message"`
	}
	if err := json.Unmarshal(body, &eb); err != nil {
		t.Fatalf("error body is not JSON: %q", body)
	}
	if eb.StatusCode != status || eb.Error != http.StatusText(status) || eb.Message == "" {
		t.Fatalf("error body %+v for status %d", eb, status)
	}
}
