package wire

import (
	"fmt"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Server holds the server's key pair and the shared keys it has derived with
// callers. A caller's shared key never changes, and deriving it costs a
// scalar multiplication, so recent ones are cached.
type Server struct {
	key    *PrivateKey
	public string
	cache  *lru.Cache[string, SharedKey]
}

// DefaultCacheSize bounds the shared-key cache. Each entry is about 200 bytes.
const DefaultCacheSize = 10000

// NewServer wraps the server's private key with a cache of cacheSize entries.
func NewServer(key *PrivateKey, cacheSize int) *Server {
	if cacheSize <= 0 {
		cacheSize = DefaultCacheSize
	}
	c, err := lru.New[string, SharedKey](cacheSize)
	if err != nil {
		panic(err)
	}
	return &Server{key: key, public: key.Public().String(), cache: c}
}

// PublicKey is the server's public key as published by /publickeys.
func (s *Server) PublicKey() string { return s.public }

// PrivateKey is the server's private key.
func (s *Server) PrivateKey() *PrivateKey { return s.key }

// Shared returns the key shared with the caller whose public key header is
// peer. An invalid key is an error the caller should report as 401.
func (s *Server) Shared(peer string) (SharedKey, error) {
	if k, ok := s.cache.Get(peer); ok {
		return k, nil
	}
	pub, err := ParsePublicKey(peer)
	if err != nil {
		return SharedKey{}, err
	}
	k := s.key.Shared(pub)
	s.cache.Add(peer, k)
	return k, nil
}

// OpenRequest checks the publickey and requestid headers of a request: the
// key parses, the requestid decrypts with the shared key and parses, and its
// ts is within span of now. Replay is the caller's job (it needs storage).
func (s *Server) OpenRequest(publicKey, requestID string, now time.Time, span time.Duration) (SharedKey, RequestID, error) {
	shared, err := s.Shared(publicKey)
	if err != nil {
		return SharedKey{}, RequestID{}, fmt.Errorf("publickey: %w", err)
	}
	plain, err := Decrypt(shared, requestID)
	if err != nil {
		return shared, RequestID{}, fmt.Errorf("requestid: %w", err)
	}
	rid, err := ParseRequestID(plain)
	if err != nil {
		return shared, rid, err
	}
	if err := rid.CheckTime(now, span); err != nil {
		return shared, rid, err
	}
	return shared, rid, nil
}
