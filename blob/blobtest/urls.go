package blobtest

import (
	"fmt"
	"net/url"
	"strings"
)

// TamperSignature returns rawURL with one character of its signature
// changed. The signature is the query parameter whose name ends in "sig" or
// "signature", case-insensitively: sig (local, Azure), X-Amz-Signature,
// X-Goog-Signature; names such as X-Amz-SignedHeaders are not it. The
// changed character is the last one that carries signature bits, so the
// result decodes to a different signature whether the value is hex or
// base64 (a base64 trailing character also holds padding bits, and "="
// holds none). The rest of the URL is left byte for byte as it was.
func TamperSignature(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	params := strings.Split(u.RawQuery, "&")
	found := -1
	for i, p := range params {
		name, _, _ := strings.Cut(p, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			n = strings.ToLower(n)
			if strings.HasSuffix(n, "sig") || strings.HasSuffix(n, "signature") {
				if found >= 0 {
					return "", fmt.Errorf("more than one signature parameter in %s", rawURL)
				}
				found = i
			}
		}
	}
	if found < 0 {
		return "", fmt.Errorf("no signature parameter in %s", rawURL)
	}
	name, value, _ := strings.Cut(params[found], "=")
	v, err := url.QueryUnescape(value)
	if err != nil {
		return "", err
	}
	v, err = flipLast(v)
	if err != nil {
		return "", fmt.Errorf("signature parameter %s: %w", name, err)
	}
	params[found] = name + "=" + url.QueryEscape(v)
	u.RawQuery = strings.Join(params, "&")
	return u.String(), nil
}

const (
	hexDigits = "0123456789abcdef"
	b64Std    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	b64URL    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)

// flipLast changes the last non-padding character of an encoded signature
// in its most significant bit, which is always a data bit.
func flipLast(v string) (string, error) {
	i := strings.LastIndexFunc(v, func(r rune) bool { return r != '=' })
	if i < 0 {
		return "", fmt.Errorf("empty value %q", v)
	}
	b := []byte(v)
	switch {
	case len(v)%2 == 0 && strings.Trim(v, "0123456789abcdefABCDEF") == "":
		lower := b[i] | 0x20 // ASCII digits are unaffected
		n := strings.IndexByte(hexDigits, lower) ^ 8
		b[i] = hexDigits[n]
		if lower != v[i] {
			b[i] = strings.ToUpper(hexDigits)[n]
		}
	default:
		alphabet := b64Std
		if strings.ContainsAny(v, "-_") {
			alphabet = b64URL
		}
		n := strings.IndexByte(alphabet, b[i])
		if n < 0 {
			return "", fmt.Errorf("value %q is neither hex nor base64", v)
		}
		b[i] = alphabet[n^0x20]
	}
	return string(b), nil
}

// SwapKey returns rawURL addressing newKey instead of oldKey: the path must
// end in "/" + oldKey, as it does for path-style and virtual-hosted URLs
// alike. The query, signature included, is left as it was. Keys should use
// only characters that need no escaping in a path.
func SwapKey(rawURL, oldKey, newKey string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	base, ok := strings.CutSuffix(u.Path, "/"+oldKey)
	if !ok {
		return "", fmt.Errorf("path of %s does not end in the key %q", rawURL, oldKey)
	}
	u.Path = base + "/" + newKey
	u.RawPath = ""
	return u.String(), nil
}
