// Package local keeps session images in files under the server's data
// directory: the embedded default, needing no cloud account. Presigned URLs
// point back at this server, which checks their HMAC signature and streams
// the bytes to and from disk (see [Store.Handler]).
//
// Each object is one file at Dir/<key>: a one-line header naming its
// content type, then the bytes. Keeping the type in the object's own file
// makes a replacement a single atomic rename; with a sidecar file a reader
// could pair new bytes with the old type. Uploads are written to a
// temporary file beside the target, so names whose first character is "."
// belong to the store and no key segment may start with one.
//
// A file system cannot hold both an object "a" and an object "a/b", which an
// object store can: storing one while the other exists is ECONFLICT.
package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/idproof/idproof"
)

// DefaultMaxObjectBytes is the upload limit when Config.MaxObjectBytes is 0:
// room for a full-resolution phone photo.
const DefaultMaxObjectBytes = 32 << 20

// minSecretBytes is the shortest signing secret New accepts: the size of
// the HMAC-SHA256 output, so the key is no weaker than the MAC.
const minSecretBytes = 32

// Config configures a Store.
type Config struct {
	// Dir holds the objects; New creates it (mode 0700) if needed.
	Dir string
	// BaseURL is the externally visible root of this server, such as
	// https://idproof.example.com; presigned URLs are BaseURL/blob/<key>.
	BaseURL string
	// Secret keys the URL signatures; at least 32 bytes.
	Secret []byte
	// MaxObjectBytes bounds an upload through a presigned URL; 0 means
	// DefaultMaxObjectBytes. Put, called by the server itself, is not bound.
	MaxObjectBytes int64
	// Now tells the time for URL expiry; nil means time.Now.
	Now func() time.Time
	// Log receives the failures the handler answers with a 500; nil means
	// slog.Default().
	Log *slog.Logger
}

// Store is a BlobStore on a local directory. It is safe for concurrent use.
type Store struct {
	dir    string // absolute and clean
	base   string // BaseURL without a trailing slash
	secret []byte
	max    int64
	now    func() time.Time
	log    *slog.Logger
}

var _ idproof.BlobStore = (*Store)(nil)

// New checks cfg, creates its directory and returns a Store on it.
func New(cfg Config) (*Store, error) {
	if cfg.Dir == "" {
		return nil, errors.New("local blob store: Dir is required")
	}
	if len(cfg.Secret) < minSecretBytes {
		return nil, fmt.Errorf("local blob store: Secret must be at least %d bytes, not %d", minSecretBytes, len(cfg.Secret))
	}
	if cfg.MaxObjectBytes < 0 {
		return nil, fmt.Errorf("local blob store: MaxObjectBytes must not be negative (%d)", cfg.MaxObjectBytes)
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("local blob store: BaseURL %q must be an absolute http or https URL without query", cfg.BaseURL)
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("local blob store: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("local blob store: %w", err)
	}
	s := &Store{
		dir:    dir,
		base:   strings.TrimRight(cfg.BaseURL, "/"),
		secret: slices.Clone(cfg.Secret),
		max:    cfg.MaxObjectBytes,
		now:    cfg.Now,
		log:    cfg.Log,
	}
	if s.max == 0 {
		s.max = DefaultMaxObjectBytes
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}

// path returns the file of a key that passed checkKey.
func (s *Store) path(key string) string {
	return filepath.Join(s.dir, filepath.FromSlash(key))
}

// Put stores r under key. When size is not negative, r must hold exactly
// size bytes, or nothing is stored.
func (s *Store) Put(ctx context.Context, key, contentType string, r io.Reader, size int64) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := checkContentType(contentType); err != nil {
		return err
	}
	body := &countingReader{ctx: ctx, r: r}
	if size >= 0 {
		// One byte more than promised is enough to tell a longer body.
		body.r = io.LimitReader(r, size+1)
	}
	return s.write(key, contentType, body, func() error {
		if size >= 0 && body.n != size {
			return idproof.Errorf(idproof.EINVALID, "object %q: got %d bytes, size says %d", key, body.n, size)
		}
		return nil
	})
}

// countingReader counts what it reads and stops when ctx is done.
type countingReader struct {
	ctx context.Context
	r   io.Reader
	n   int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Open returns the bytes of key and their length.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if err := checkKey(key); err != nil {
		return nil, 0, err
	}
	o, err := s.open(key)
	if err != nil {
		return nil, 0, err
	}
	return o, o.Size(), nil
}

// Delete removes key and then its parent directories as far as they are
// empty, so the tree does not fill with the directories of expired sessions.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	path := s.path(key)
	if fi, err := os.Lstat(path); missing(err) || (err == nil && fi.IsDir()) {
		return nil // a directory is a prefix, not an object
	}
	if err := os.Remove(path); err != nil && !missing(err) {
		return fmt.Errorf("local blob store: delete %q: %w", key, err)
	}
	for dir := filepath.Dir(path); dir != s.dir && strings.HasPrefix(dir, s.dir); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break // not empty (or already gone): the ones above are not empty either
		}
	}
	return nil
}

// List returns the keys that start with prefix, sorted. It walks only the
// directory named by prefix up to its last slash.
func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	root := s.dir
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		dir := prefix[:i]
		if err := checkKey(dir); err != nil {
			return nil, idproof.Errorf(idproof.EINVALID, "invalid prefix %q", prefix)
		}
		root = s.path(dir)
	}
	var keys []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if missing(err) {
				return nil // removed by a concurrent Delete, or never there
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil // an upload in progress, or one a crash left behind
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(s.dir, p)
		if err != nil {
			return err
		}
		if key := filepath.ToSlash(rel); strings.HasPrefix(key, prefix) {
			keys = append(keys, key)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("local blob store: list %q: %w", prefix, err)
	}
	slices.Sort(keys)
	return keys, nil
}

// missing reports whether a file system error means the path does not
// exist, including a path through a regular file.
func missing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// conflict is the error for a key that a file system cannot hold next to
// the objects already stored.
func conflict(key string) error {
	return idproof.Errorf(idproof.ECONFLICT, "object %q conflicts with a stored object: a key cannot also be the directory of other keys", key)
}
