package blobtest

import (
	"testing"
	"time"
)

// Each refusal test stores an object first and checks afterwards that the
// refused request left it as it was. Where the URL can still be used as
// issued, the test then does so, to show that the refusal came from what was
// changed and not from some other fault in the request.
var refuseTests = []test{
	{"TamperedPut", func(t *testing.T, e *env) {
		k, old := e.seed(t, "tampered-put.jpg")
		u := e.presignPut(t, k, "image/jpeg", urlTTL)
		wantRefused(t, "PUT with a tampered signature", e.httpPut(t, tamper(t, u), "image/jpeg", RandomBytes(100)))
		CheckObject(t, e.s, k, old)
		b := RandomBytes(100)
		wantOK(t, "PUT with the URL as issued", e.httpPut(t, u, "image/jpeg", b))
		CheckObject(t, e.s, k, b)
	}},
	{"TamperedGet", func(t *testing.T, e *env) {
		k, old := e.seed(t, "tampered-get.jpg")
		u := e.presignGet(t, k, urlTTL)
		wantRefused(t, "GET with a tampered signature", httpGet(t, tamper(t, u)))
		wantBody(t, "GET with the URL as issued", httpGet(t, u), "image/jpeg", old)
	}},
	{"PutURLWithGet", func(t *testing.T, e *env) {
		k, old := e.seed(t, "put-url.jpg")
		u := e.presignPut(t, k, "image/jpeg", urlTTL)
		wantRefused(t, "GET with a PUT URL", httpGet(t, u))
		CheckObject(t, e.s, k, old)
		wantOK(t, "PUT with the URL as issued", e.httpPut(t, u, "image/jpeg", RandomBytes(10)))
	}},
	{"GetURLWithPut", func(t *testing.T, e *env) {
		k, old := e.seed(t, "get-url.jpg")
		u := e.presignGet(t, k, urlTTL)
		wantRefused(t, "PUT with a GET URL", e.httpPut(t, u, "image/jpeg", RandomBytes(100)))
		CheckObject(t, e.s, k, old)
		wantBody(t, "GET with the URL as issued", httpGet(t, u), "image/jpeg", old)
	}},
	{"PutOtherKey", func(t *testing.T, e *env) {
		// Same length and directory, so only the key itself differs.
		victim, old := e.seed(t, "session/victim.jpg")
		issued := e.key("session/issued.jpg")
		u := e.presignPut(t, issued, "image/jpeg", urlTTL)
		other, err := SwapKey(u, issued, victim)
		if err != nil {
			t.Fatal(err)
		}
		wantRefused(t, "PUT to another object's key", e.httpPut(t, other, "image/jpeg", RandomBytes(100)))
		CheckObject(t, e.s, victim, old)
		CheckMissing(t, e.s, issued)
		b := RandomBytes(100)
		wantOK(t, "PUT with the URL as issued", e.httpPut(t, u, "image/jpeg", b))
		CheckObject(t, e.s, issued, b)
		CheckObject(t, e.s, victim, old)
	}},
	{"GetOtherKey", func(t *testing.T, e *env) {
		victim, _ := e.seed(t, "session/victim.jpg")
		issued, _ := e.seed(t, "session/issued.jpg")
		other, err := SwapKey(e.presignGet(t, issued, urlTTL), issued, victim)
		if err != nil {
			t.Fatal(err)
		}
		wantRefused(t, "GET of another object's key", httpGet(t, other))
	}},
	{"Expired", func(t *testing.T, e *env) {
		k, old := e.seed(t, "expired.jpg")
		put := e.presignPut(t, k, "image/jpeg", time.Second)
		get := e.presignGet(t, k, time.Second)
		time.Sleep(2500 * time.Millisecond)
		wantRefused(t, "PUT with an expired URL", e.httpPut(t, put, "image/jpeg", RandomBytes(100)))
		CheckObject(t, e.s, k, old)
		wantRefused(t, "GET with an expired URL", httpGet(t, get))
	}},
}

// seed stores random bytes as image/jpeg under name and returns the key and
// the bytes.
func (e *env) seed(t *testing.T, name string) (string, []byte) {
	t.Helper()
	k, b := e.key(name), RandomBytes(1000)
	e.put(t, k, "image/jpeg", b)
	return k, b
}

// tamper returns u with its signature changed, failing t if it has none.
func tamper(t *testing.T, u string) string {
	t.Helper()
	bad, err := TamperSignature(u)
	if err != nil {
		t.Fatal(err)
	}
	if bad == u {
		t.Fatalf("TamperSignature left %s unchanged", u)
	}
	return bad
}
