package gcs

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fakeGCS is a small stand-in for the Cloud Storage XML API: object PUT,
// GET and DELETE and a list-type=2 listing of one bucket. Before serving
// anything it verifies the request's V4 signature the way the service
// does, from a canonical request it rebuilds from what arrived on the wire
// and the service account's public key. It shares no code with the signer
// under test, so a signer bug cannot hide behind the same bug here.
type fakeGCS struct {
	bucket string
	email  string
	pub    *rsa.PublicKey
	now    func() time.Time

	mu       sync.Mutex
	objects  map[string]fakeObject
	failNext int            // answer this many next requests with 503
	requests map[string]int // count by method, after verification
}

type fakeObject struct {
	data        []byte
	contentType string
}

func newFakeGCS(bucket, email string, pub *rsa.PublicKey) *fakeGCS {
	return &fakeGCS{
		bucket:   bucket,
		email:    email,
		pub:      pub,
		now:      time.Now,
		objects:  map[string]fakeObject{},
		requests: map[string]int{},
	}
}

// fakeError is a refusal: an HTTP status and the XML API error code.
type fakeError struct {
	status int
	code   string
	msg    string
}

func (e *fakeError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.msg) }

func writeError(w http.ResponseWriter, e *fakeError) {
	w.Header().Set("Content-Type", "application/xml; charset=UTF-8")
	w.WriteHeader(e.status)
	fmt.Fprintf(w, "<?xml version='1.0' encoding='UTF-8'?><Error><Code>%s</Code><Message>%s</Message></Error>", e.code, xmlEscape(e.msg))
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (f *fakeGCS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := f.verify(r); err != nil {
		writeError(w, err)
		return
	}
	f.mu.Lock()
	f.requests[r.Method]++
	if f.failNext > 0 {
		f.failNext--
		f.mu.Unlock()
		writeError(w, &fakeError{http.StatusServiceUnavailable, "ServiceUnavailable", "try again"})
		return
	}
	f.mu.Unlock()

	bucket, object, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if bucket != f.bucket {
		writeError(w, &fakeError{http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist."})
		return
	}
	switch {
	case object == "" && r.Method == http.MethodGet:
		f.list(w, r)
	case object != "" && r.Method == http.MethodPut:
		b, err := io.ReadAll(r.Body)
		if err != nil {
			writeError(w, &fakeError{http.StatusBadRequest, "IncompleteBody", err.Error()})
			return
		}
		ct := r.Header.Get("Content-Type")
		if ct == "" {
			ct = "application/octet-stream"
		}
		f.mu.Lock()
		f.objects[object] = fakeObject{b, ct}
		f.mu.Unlock()
	case object != "" && r.Method == http.MethodGet:
		f.mu.Lock()
		o, ok := f.objects[object]
		f.mu.Unlock()
		if !ok {
			writeError(w, &fakeError{http.StatusNotFound, "NoSuchKey", "The specified key does not exist."})
			return
		}
		w.Header().Set("Content-Type", o.contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(o.data)))
		_, _ = w.Write(o.data)
	case object != "" && r.Method == http.MethodDelete:
		f.mu.Lock()
		_, ok := f.objects[object]
		delete(f.objects, object)
		f.mu.Unlock()
		if !ok {
			writeError(w, &fakeError{http.StatusNotFound, "NoSuchKey", "The specified key does not exist."})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, &fakeError{http.StatusMethodNotAllowed, "MethodNotAllowed", r.Method})
	}
}

// list answers a list-type=2 listing; the continuation token is the last
// key of the previous page, base64-encoded so clients treat it as opaque.
func (f *fakeGCS) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("list-type") != "2" {
		writeError(w, &fakeError{http.StatusBadRequest, "InvalidArgument", "only list-type=2 is implemented"})
		return
	}
	prefix := q.Get("prefix")
	max := 1000
	if m := q.Get("max-keys"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 {
			writeError(w, &fakeError{http.StatusBadRequest, "InvalidArgument", "max-keys"})
			return
		}
		max = min(n, 1000)
	}
	after := ""
	if tok := q.Get("continuation-token"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			writeError(w, &fakeError{http.StatusBadRequest, "InvalidArgument", "continuation-token"})
			return
		}
		after = string(b)
	}
	f.mu.Lock()
	var keys []string
	for k := range f.objects {
		if strings.HasPrefix(k, prefix) && k > after {
			keys = append(keys, k)
		}
	}
	f.mu.Unlock()
	sort.Strings(keys)
	type content struct {
		Key string `xml:"Key"`
	}
	res := struct {
		XMLName               xml.Name  `xml:"ListBucketResult"`
		Xmlns                 string    `xml:"xmlns,attr"`
		Name                  string    `xml:"Name"`
		Prefix                string    `xml:"Prefix"`
		KeyCount              int       `xml:"KeyCount"`
		MaxKeys               int       `xml:"MaxKeys"`
		IsTruncated           bool      `xml:"IsTruncated"`
		NextContinuationToken string    `xml:"NextContinuationToken,omitempty"`
		Contents              []content `xml:"Contents"`
	}{Xmlns: "http://doc.s3.amazonaws.com/2006-03-01", Name: f.bucket, Prefix: prefix, MaxKeys: max}
	if len(keys) > max {
		keys = keys[:max]
		res.IsTruncated = true
		res.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(keys[len(keys)-1]))
	}
	for _, k := range keys {
		res.Contents = append(res.Contents, content{k})
	}
	res.KeyCount = len(keys)
	w.Header().Set("Content-Type", "application/xml; charset=UTF-8")
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(res)
}

// verify checks r's V4 query-string signature; nil means it is valid now.
func (f *fakeGCS) verify(r *http.Request) *fakeError {
	denied := func(msg string) *fakeError {
		return &fakeError{http.StatusForbidden, "SignatureDoesNotMatch", msg}
	}
	q := r.URL.Query()
	for _, p := range []string{"X-Goog-Algorithm", "X-Goog-Credential", "X-Goog-Date", "X-Goog-Expires", "X-Goog-SignedHeaders", "X-Goog-Signature"} {
		if len(q[p]) != 1 {
			return &fakeError{http.StatusBadRequest, "AuthenticationRequired", "need exactly one " + p}
		}
	}
	if q.Get("X-Goog-Algorithm") != "GOOG4-RSA-SHA256" {
		return &fakeError{http.StatusBadRequest, "InvalidArgument", "algorithm"}
	}
	date, err := time.Parse("20060102T150405Z", q.Get("X-Goog-Date"))
	if err != nil {
		return &fakeError{http.StatusBadRequest, "InvalidArgument", "X-Goog-Date"}
	}
	expires, err := strconv.Atoi(q.Get("X-Goog-Expires"))
	if err != nil || expires < 1 || expires > 604800 {
		return &fakeError{http.StatusBadRequest, "InvalidArgument", "X-Goog-Expires"}
	}
	cred := strings.Split(q.Get("X-Goog-Credential"), "/")
	if len(cred) != 5 || cred[2] != "auto" || cred[3] != "storage" || cred[4] != "goog4_request" {
		return &fakeError{http.StatusBadRequest, "InvalidArgument", "X-Goog-Credential"}
	}
	if cred[0] != f.email {
		return denied("unknown service account " + cred[0])
	}
	if cred[1] != date.Format("20060102") {
		return denied("credential scope date is not the request date")
	}
	now := f.now()
	if now.Before(date.Add(-time.Minute)) {
		return &fakeError{http.StatusBadRequest, "InvalidArgument", "request is dated in the future"}
	}
	if now.After(date.Add(time.Duration(expires) * time.Second)) {
		return &fakeError{http.StatusBadRequest, "ExpiredToken", "Invalid argument: the signed URL has expired"}
	}
	sig, err := hex.DecodeString(q.Get("X-Goog-Signature"))
	if err != nil {
		return denied("signature is not hex")
	}

	var pairs [][2]string
	for k, vs := range q {
		if k == "X-Goog-Signature" {
			continue
		}
		for _, v := range vs {
			pairs = append(pairs, [2]string{rfc3986(k), rfc3986(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	var query []string
	for _, p := range pairs {
		query = append(query, p[0]+"="+p[1])
	}

	var segs []string
	for _, s := range strings.Split(r.URL.Path, "/") {
		segs = append(segs, rfc3986(s))
	}

	signed := strings.Split(q.Get("X-Goog-SignedHeaders"), ";")
	if !sort.StringsAreSorted(signed) {
		return denied("signed headers not sorted")
	}
	var headers strings.Builder
	hasHost := false
	payload := "UNSIGNED-PAYLOAD"
	for _, name := range signed {
		var v string
		if name == "host" {
			hasHost = true
			v = r.Host
			if i := strings.LastIndexByte(v, ':'); i >= 0 && !strings.Contains(v[i:], "]") {
				v = v[:i]
			}
		} else {
			v = strings.Join(r.Header.Values(name), ",")
			v = strings.Join(strings.Fields(v), " ")
		}
		if name == "x-goog-content-sha256" {
			payload = v
		}
		headers.WriteString(name + ":" + v + "\n")
	}
	if !hasHost {
		return &fakeError{http.StatusBadRequest, "InvalidArgument", "host must be signed"}
	}
	canonical := strings.Join([]string{
		r.Method,
		strings.Join(segs, "/"),
		strings.Join(query, "&"),
		headers.String(),
		q.Get("X-Goog-SignedHeaders"),
		payload,
	}, "\n")
	h := sha256.Sum256([]byte(canonical))
	toSign := "GOOG4-RSA-SHA256\n" + q.Get("X-Goog-Date") + "\n" + strings.Join(cred[1:], "/") + "\n" + hex.EncodeToString(h[:])
	digest := sha256.Sum256([]byte(toSign))
	if err := rsa.VerifyPKCS1v15(f.pub, crypto.SHA256, digest[:], sig); err != nil {
		return denied("The request signature we calculated does not match the signature you provided.")
	}
	return nil
}

// rfc3986 percent-encodes all but unreserved characters, by way of the
// standard library's query escaping (space as "+", "~" escaped) corrected.
func rfc3986(s string) string {
	e := url.QueryEscape(s)
	e = strings.ReplaceAll(e, "+", "%20")
	return strings.ReplaceAll(e, "%7E", "~")
}
