// Command go-client creates a proofing session on an idproof server and
// reads its result, speaking the wire protocol by hand: a secp256k1 key
// pair, an ECDH shared key with the server, the publickey, requestid and
// licensekey headers, and bodies and replies sealed with AES-256-GCM.
//
// It uses only the standard library and a secp256k1 package, so that every
// step of the scheme is in view; docs/authentication.md explains each one.
//
//	IDPROOF_URL=http://127.0.0.1:8080 IDPROOF_LICENSE=<service license> IDPROOF_DVC=<dvcID> go run ./docs/examples/go-client
//
// Environment:
//
//	IDPROOF_URL        server base URL (default http://127.0.0.1:8080)
//	IDPROOF_LICENSE    a service (or system) license key (required)
//	IDPROOF_DVC        the verification configuration of the new session
//	IDPROOF_TENANT     tenant DNS name (default localhost, the bootstrap tenant)
//	IDPROOF_COMMUNITY  community name (default "default")
//	IDPROOF_UID        the user's uid (default alice; the sandbox reads it)
//	IDPROOF_SESSION    read this session's result instead of creating one
//
// It prints one JSON object: the session id and URL, the result, and, for
// a completed session, its proof_jwt checked against the server's JWKS.
package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// caller is one key pair talking to one server.
type caller struct {
	base    string
	http    *http.Client
	license string
	public  string // our public key as the publickey header carries it
	aead    cipher.AEAD
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "go-client:", err)
		os.Exit(1)
	}
}

func run() error {
	c, err := connect(env("IDPROOF_URL", "http://127.0.0.1:8080"), os.Getenv("IDPROOF_LICENSE"))
	if err != nil {
		return err
	}
	var out struct {
		SessionID string          `json:"sessionId"`
		URL       string          `json:"url,omitempty"`
		Result    json.RawMessage `json:"result"`
		Proof     *proofReport    `json:"proof,omitempty"`
	}
	sessionID := os.Getenv("IDPROOF_SESSION")
	if sessionID == "" {
		dvc := os.Getenv("IDPROOF_DVC")
		if dvc == "" {
			return errors.New("IDPROOF_DVC is required to create a session")
		}
		var created struct{ SessionID, URL string }
		err := c.call("POST", "/document_share_session/create", map[string]any{
			"dvcID": dvc,
			"sessionRequest": map[string]any{
				"tenantDNS":     env("IDPROOF_TENANT", "localhost"),
				"communityName": env("IDPROOF_COMMUNITY", "default"),
				"documentType":  "dl_object",
				"user":          map[string]string{"uid": env("IDPROOF_UID", "alice"), "firstname": "Alice", "lastname": "Smith"},
			},
		}, &created)
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		sessionID = created.SessionID
		out.URL = created.URL // send the user here
	}
	out.SessionID = sessionID

	var result struct {
		SessionResult string `json:"sessionResult"`
		Document      struct {
			ProofJWT string `json:"proof_jwt"`
		} `json:"document"`
	}
	if err := c.call("POST", "/v3/document_share_session/result", map[string]string{"sessionId": sessionID}, &out.Result); err != nil {
		return fmt.Errorf("result: %w", err)
	}
	if err := json.Unmarshal(out.Result, &result); err != nil {
		return err
	}
	if jwt := result.Document.ProofJWT; jwt != "" {
		claims, err := c.verifyProof(jwt)
		if err != nil {
			return fmt.Errorf("proof_jwt: %w", err)
		}
		out.Proof = &proofReport{Verified: true, Claims: claims}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// proofReport says that proof_jwt verified, and what it claims.
type proofReport struct {
	Verified bool           `json:"verified"`
	Claims   map[string]any `json:"claims"`
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// connect makes a key pair, fetches the server's public key and derives
// the key both sides share: the x coordinate of ECDH, used as the AES-256
// key as it is (no KDF).
func connect(base, license string) (*caller, error) {
	if license == "" {
		return nil, errors.New("IDPROOF_LICENSE is required (a service license key)")
	}
	c := &caller{base: strings.TrimRight(base, "/"), http: &http.Client{Timeout: 30 * time.Second}, license: license}
	key, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		return nil, err
	}
	// The public key travels as base64 of X||Y: the uncompressed point
	// without its leading 0x04.
	c.public = base64.StdEncoding.EncodeToString(key.PubKey().SerializeUncompressed()[1:])

	var pk struct {
		PublicKey string `json:"publicKey"`
	}
	if err := c.send("GET", "/publickeys", nil, nil, &pk); err != nil {
		return nil, fmt.Errorf("server public key: %w", err)
	}
	xy, err := base64.StdEncoding.DecodeString(pk.PublicKey)
	if err != nil || len(xy) != 64 {
		return nil, fmt.Errorf("server public key %q is not base64 of 64 bytes", pk.PublicKey)
	}
	server, err := secp256k1.ParsePubKey(append([]byte{0x04}, xy...))
	if err != nil {
		return nil, fmt.Errorf("server public key: %w", err)
	}
	shared := secp256k1.GenerateSharedSecret(key, server) // 32 bytes
	block, err := aes.NewCipher(shared)
	if err != nil {
		return nil, err
	}
	// The clients of this API use a 16-byte GCM nonce, not the usual 12.
	if c.aead, err = cipher.NewGCMWithNonceSize(block, 16); err != nil {
		return nil, err
	}
	return c, nil
}

// seal encrypts plaintext as base64(nonce(16) || ciphertext || tag(16)).
func (c *caller) seal(plaintext []byte) string {
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(c.aead.Seal(nonce, nonce, plaintext, nil))
}

// open reverses seal.
func (c *caller) open(sealed string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(b) < 32 {
		return nil, errors.New("sealed data is not base64 of nonce, ciphertext and tag")
	}
	return c.aead.Open(nil, b[:16], b[16:], nil)
}

// call sends body sealed in the {"data": ...} envelope with fresh
// credentials, and opens a sealed reply.
func (c *caller) call(method, path string, body, out any) error {
	inner, err := json.Marshal(body)
	if err != nil {
		return err
	}
	envelope, _ := json.Marshal(map[string]string{"data": c.seal(inner)})

	// A requestid is used once: a new uuid and the current time on every
	// request. The server accepts ts within 60 s of its clock.
	rid, _ := json.Marshal(map[string]any{"ts": time.Now().Unix(), "appid": "idproof-go-example", "uuid": newUUID()})
	h := http.Header{}
	h.Set("publickey", c.public)
	h.Set("requestid", c.seal(rid))
	h.Set("licensekey", c.seal([]byte(c.license)))

	var reply json.RawMessage
	if err := c.send(method, path, h, envelope, &reply); err != nil {
		return err
	}
	// Endpoints whose clients expect it answer {"data": "<sealed>",
	// "publicKey": "<server key>"}; others answer in plain JSON.
	var sealed struct {
		Data      string `json:"data"`
		PublicKey string `json:"publicKey"`
	}
	if json.Unmarshal(reply, &sealed) == nil && sealed.Data != "" && sealed.PublicKey != "" {
		if reply, err = c.open(sealed.Data); err != nil {
			return fmt.Errorf("open reply: %w", err)
		}
	}
	return json.Unmarshal(reply, out)
}

// send makes one HTTP request and decodes its JSON reply. A reply outside
// 2xx is in the API's error format {statusCode, error, message}.
func (c *caller) send(method, path string, h http.Header, body []byte, out any) error {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if h != nil {
		req.Header = h
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct{ Message string }
		if json.Unmarshal(data, &e) != nil || e.Message == "" {
			e.Message = strings.TrimSpace(string(data))
		}
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, e.Message)
	}
	return json.Unmarshal(data, out)
}

// verifyProof checks proof_jwt, an ES256 compact JWS, against the key of
// the server's JWK Set its kid names, and returns its claims.
func (c *caller) verifyProof(jwt string) (map[string]any, error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a compact JWS")
	}
	var header struct{ Alg, Kid string }
	if err := decodeSegment(parts[0], &header); err != nil {
		return nil, err
	}
	if header.Alg != "ES256" {
		return nil, fmt.Errorf("alg %q, want ES256", header.Alg)
	}
	var set struct {
		Keys []struct{ Kid, Kty, Crv, X, Y string }
	}
	if err := c.send("GET", "/.well-known/jwks.json", nil, nil, &set); err != nil {
		return nil, err
	}
	for _, k := range set.Keys {
		if k.Kid != header.Kid || k.Kty != "EC" || k.Crv != "P-256" {
			continue
		}
		x, errX := base64.RawURLEncoding.DecodeString(k.X)
		y, errY := base64.RawURLEncoding.DecodeString(k.Y)
		sig, errS := base64.RawURLEncoding.DecodeString(parts[2])
		if errors.Join(errX, errY, errS) != nil || len(sig) != 64 || len(x) != 32 || len(y) != 32 {
			return nil, errors.New("malformed key or signature")
		}
		// An uncompressed point: 0x04, then X and Y.
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, err
		}
		digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		// A JWS signature is r||s, 32 bytes each.
		if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
			return nil, errors.New("signature does not verify")
		}
		var claims map[string]any
		return claims, decodeSegment(parts[1], &claims)
	}
	return nil, fmt.Errorf("no P-256 key %q in the JWK Set", header.Kid)
}

func decodeSegment(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
