package local

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/idproof/idproof"
)

// Limits on what a key and a content type may be.
const (
	maxKeyBytes         = 512
	maxSegmentBytes     = 255 // the longest file name most file systems take
	maxContentTypeBytes = 255
)

// sigEncoding encodes signatures. Strict decoding refuses a last character
// whose unused bits are set, so each signature has exactly one spelling.
var sigEncoding = base64.RawURLEncoding.Strict()

// checkKey returns EINVALID unless key is safe to use as a path below the
// store's directory: 1 to 512 bytes of printable UTF-8 without backslashes,
// made of non-empty segments none of which starts with "." (which also rules
// out "." and ".."), each at most 255 bytes.
func checkKey(key string) error {
	if key == "" || len(key) > maxKeyBytes {
		return idproof.Errorf(idproof.EINVALID, "object key must be 1 to %d bytes long", maxKeyBytes)
	}
	if !utf8.ValidString(key) || strings.ContainsFunc(key, func(r rune) bool { return !unicode.IsPrint(r) || r == '\\' }) {
		return idproof.Errorf(idproof.EINVALID, "object key %q must be printable and without backslashes", key)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg[0] == '.' || len(seg) > maxSegmentBytes {
			return idproof.Errorf(idproof.EINVALID,
				"object key %q must be a relative path of non-empty segments that do not start with \".\" and are at most %d bytes", key, maxSegmentBytes)
		}
	}
	return nil
}

// checkContentType returns EINVALID unless ct is a media type that fits on
// the object's header line.
func checkContentType(ct string) error {
	if ct == "" || len(ct) > maxContentTypeBytes || strings.ContainsFunc(ct, func(r rune) bool { return r < 0x20 || r > 0x7e }) {
		return idproof.Errorf(idproof.EINVALID, "content type must be 1 to %d printable ASCII characters", maxContentTypeBytes)
	}
	if _, _, err := mime.ParseMediaType(ct); err != nil {
		return idproof.Errorf(idproof.EINVALID, "content type %q is not a media type", ct)
	}
	return nil
}

// PresignPut returns a URL that accepts a PUT of key with exactly the
// Content-Type contentType until expires has passed.
func (s *Store) PresignPut(ctx context.Context, key, contentType string, expires time.Duration) (string, error) {
	if err := checkContentType(contentType); err != nil {
		return "", err
	}
	return s.presign(http.MethodPut, key, contentType, expires)
}

// PresignGet returns a URL that serves key by GET (or HEAD) until expires
// has passed.
func (s *Store) PresignGet(ctx context.Context, key string, expires time.Duration) (string, error) {
	return s.presign(http.MethodGet, key, "", expires)
}

// presign builds BaseURL/blob/<key>?m=<method>[&ct=<type>]&exp=<unix>&sig=<mac>.
func (s *Store) presign(method, key, contentType string, expires time.Duration) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	if expires <= 0 {
		return "", idproof.Errorf(idproof.EINVALID, "presigned URL lifetime must be positive, not %s", expires)
	}
	// Round up: a URL must not expire before the lifetime asked for.
	at := s.now().Add(expires)
	exp := at.Unix()
	if at.Nanosecond() > 0 {
		exp++
	}
	var b strings.Builder
	b.WriteString(s.base)
	b.WriteString("/blob/")
	for i, seg := range strings.Split(key, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(url.PathEscape(seg))
	}
	b.WriteString("?m=" + method)
	if method == http.MethodPut {
		b.WriteString("&ct=" + url.QueryEscape(contentType))
	}
	b.WriteString("&exp=" + strconv.FormatInt(exp, 10))
	b.WriteString("&sig=" + sigEncoding.EncodeToString(s.mac(method, key, contentType, exp)))
	return b.String(), nil
}

// mac is the HMAC-SHA256 of a URL's method, key, content type ("" for GET)
// and expiry. Each field is length-prefixed after a label naming this
// scheme, so no two different URLs sign the same bytes and the secret's MACs
// cannot be mistaken for another use of it.
func (s *Store) mac(method, key, contentType string, exp int64) []byte {
	msg := []byte("idproof local blob URL v1")
	for _, f := range []string{method, key, contentType, strconv.FormatInt(exp, 10)} {
		msg = binary.AppendUvarint(msg, uint64(len(f)))
		msg = append(msg, f...)
	}
	m := hmac.New(sha256.New, s.secret)
	m.Write(msg)
	return m.Sum(nil)
}

// verify checks that r may do what it asks to key: the method is the one
// signed (HEAD counting as GET), the signature matches, the URL has not
// expired and a PUT carries the signed Content-Type. It returns the signed
// method.
func (s *Store) verify(r *http.Request, key string) (string, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", idproof.Errorf(idproof.EFORBIDDEN, "malformed signed URL")
	}
	param := func(name string) string {
		if v := q[name]; len(v) == 1 {
			return v[0]
		}
		return "" // absent or repeated: either way no signature will match
	}
	signed, ct := param("m"), param("ct")
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	if signed != http.MethodGet && signed != http.MethodPut {
		return "", idproof.Errorf(idproof.EFORBIDDEN, "URL is not signed for any method")
	}
	if method != signed {
		return "", idproof.Errorf(idproof.EFORBIDDEN, "URL is signed for %s, not %s", signed, r.Method)
	}
	exp, err := strconv.ParseInt(param("exp"), 10, 64)
	if err != nil {
		return "", idproof.Errorf(idproof.EFORBIDDEN, "URL has no valid expiry")
	}
	sig, err := sigEncoding.DecodeString(param("sig"))
	if err != nil || !hmac.Equal(sig, s.mac(signed, key, ct, exp)) {
		return "", idproof.Errorf(idproof.EFORBIDDEN, "URL signature does not match")
	}
	if !s.now().Before(time.Unix(exp, 0)) {
		return "", idproof.Errorf(idproof.EFORBIDDEN, "URL expired at %s", time.Unix(exp, 0).UTC().Format(time.RFC3339))
	}
	if signed == http.MethodPut {
		if got := r.Header.Values("Content-Type"); len(got) != 1 || got[0] != ct {
			return "", idproof.Errorf(idproof.EUNSUPPORTED, "Content-Type must be %q, the type the URL is signed for", ct)
		}
	}
	return signed, nil
}
