package local

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/idproof/idproof"
)

// magic starts the header line of every object file; the version lets a
// later format be told apart.
const magic = "idproof-blob/1 "

// write streams r into a temporary file beside key's file and renames it
// into place, so readers see the old object or the new one and never a part.
// check runs after r is drained and may still veto the object.
func (s *Store) write(key, contentType string, r io.Reader, check func() error) (err error) {
	path := s.path(key)
	f, err := createTemp(key, filepath.Dir(path))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := io.WriteString(f, magic+contentType+"\n"); err != nil {
		return fmt.Errorf("local blob store: write %q: %w", key, err)
	}
	if _, err := io.Copy(f, r); err != nil {
		return err // the caller knows the reader's errors best
	}
	if err := check(); err != nil {
		return err
	}
	// Sync before rename, or a crash could leave the new name on old or
	// missing data.
	if err := f.Sync(); err != nil {
		return fmt.Errorf("local blob store: write %q: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("local blob store: write %q: %w", key, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		if fi, serr := os.Lstat(path); serr == nil && fi.IsDir() {
			return conflict(key)
		}
		return fmt.Errorf("local blob store: write %q: %w", key, err)
	}
	return nil
}

// createTemp creates an empty file, mode 0600, in dir, creating dir (mode
// 0700) first.
func createTemp(key, dir string) (*os.File, error) {
	for attempt := 1; ; attempt++ {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, fs.ErrExist) {
				return nil, conflict(key)
			}
			return nil, fmt.Errorf("local blob store: write %q: %w", key, err)
		}
		f, err := os.CreateTemp(dir, ".put-*")
		if err == nil {
			return f, nil
		}
		// A concurrent Delete may remove dir between MkdirAll and
		// CreateTemp, when its last object goes; then make it again.
		if !errors.Is(err, fs.ErrNotExist) || attempt == 3 {
			return nil, fmt.Errorf("local blob store: write %q: %w", key, err)
		}
	}
}

// object is an open object file, read from after its header.
type object struct {
	*io.SectionReader
	f           *os.File
	contentType string
	modTime     time.Time
}

// Close closes the file.
func (o *object) Close() error { return o.f.Close() }

// open opens key's file and reads its header. A key whose path does not
// exist, runs through a regular file or is a directory is ENOTFOUND.
func (s *Store) open(key string) (*object, error) {
	notFound := idproof.Errorf(idproof.ENOTFOUND, "object %q not found", key)
	f, err := os.Open(s.path(key))
	if missing(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("local blob store: open %q: %w", key, err)
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("local blob store: open %q: %w", key, err)
		}
		return nil, notFound
	}
	ct, n, err := readHeader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("local blob store: open %q: %w", key, err)
	}
	return &object{
		SectionReader: io.NewSectionReader(f, n, fi.Size()-n),
		f:             f,
		contentType:   ct,
		modTime:       fi.ModTime(),
	}, nil
}

// readHeader returns the content type from the header line of f and the
// length of that line.
func readHeader(f *os.File) (string, int64, error) {
	buf := make([]byte, len(magic)+maxContentTypeBytes+1)
	n, err := f.ReadAt(buf, 0)
	if err != nil && err != io.EOF {
		return "", 0, err
	}
	buf = buf[:n]
	end := bytes.IndexByte(buf, '\n')
	if end < 0 || !bytes.HasPrefix(buf, []byte(magic)) {
		return "", 0, errors.New("not an object file: bad header")
	}
	return string(buf[len(magic):end]), int64(end + 1), nil
}
