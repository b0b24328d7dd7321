package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/sqlite"
	"github.com/idproof/idproof/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) idproof.Store {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "idproof.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestMemory runs the suite on the single-connection in-memory variant.
func TestMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) idproof.Store {
		s, err := sqlite.Open(t.Context(), ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestReopen checks that migrations already applied are skipped.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idproof.db")
	for range 2 {
		s, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Ping(t.Context()); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
}
