package local

import (
	"bytes"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Objects are document images: only the server's user may read them, and
// the directories above them, whatever the umask.
func TestObjectsArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	s, _ := newTestStore(t, Config{})
	ctx := t.Context()
	if err := s.Put(ctx, "sessions/a/front.jpg", "image/jpeg", bytes.NewReader([]byte("jpeg")), 4); err != nil {
		t.Fatal(err)
	}
	u, err := s.PresignPut(ctx, "uploads/b/selfie.jpg", "image/jpeg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, u, strings.NewReader("jpeg"))
	req.Header.Set("Content-Type", "image/jpeg")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("presigned put: %v %v", resp, err)
	}
	resp.Body.Close()
	files := 0
	err = filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		} else {
			files++
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil || files != 2 {
		t.Fatalf("walk: %d files, %v", files, err)
	}
}
