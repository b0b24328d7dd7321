package mrztest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// PortraitJPEG returns a real portrait photo for the face on a document and
// for selfies: the sample photo of the pigo face detector, read from the
// module cache (it is not copied into this repository).
var PortraitJPEG = sync.OnceValues(func() ([]byte, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/esimov/pigo").Output()
	if err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "testdata", "sample.jpg"))
})
