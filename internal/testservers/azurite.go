package testservers

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// AzuriteInstall is how CI installs the Azure Blob emulator.
const AzuriteInstall = "npm install --prefix DIR azurite@3.35.0, then IDPROOF_AZURITE_BIN=DIR/node_modules/.bin/azurite-blob"

// Azurite's well-known development account, published in its README and
// accepted by every Azurite instance.
const (
	AzuriteAccount = "devstoreaccount1"
	AzuriteKey     = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// AzureServer is a running Azurite blob service.
type AzureServer struct {
	// Endpoint is the development account's blob endpoint,
	// http://127.0.0.1:PORT/devstoreaccount1.
	Endpoint                string
	AccountName, AccountKey string

	proc *process
}

// StartAzurite starts azurite-blob with its data in a temp dir.
func StartAzurite() (*AzureServer, error) {
	var dirs []string
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".cache", "idproof-tools", "azurite-3.35.0", "node_modules", ".bin"))
	}
	bin, err := find("IDPROOF_AZURITE_BIN", "azurite-blob", dirs)
	if err != nil {
		return nil, err
	}
	for range 3 {
		var dir, addr string
		if dir, err = os.MkdirTemp("", "idproof-azurite-"); err != nil {
			return nil, err
		}
		if addr, err = freeAddr(); err != nil {
			return nil, err
		}
		host, port, _ := strings.Cut(addr, ":")
		cmd := exec.Command(bin, "--blobHost", host, "--blobPort", port, "--location", dir,
			"--disableTelemetry",
			"--skipApiVersionCheck", // the SDK speaks a newer API version than Azurite knows
			"--disableProductStyleUrl", "--silent")
		cmd.Env = environ("AZURITE_")
		var p *process
		if p, err = start(cmd, dir, addr); err == nil {
			return &AzureServer{Endpoint: "http://" + addr + "/" + AzuriteAccount, AccountName: AzuriteAccount, AccountKey: AzuriteKey, proc: p}, nil
		}
		os.RemoveAll(dir)
	}
	return nil, err
}

// Azurite starts the emulator for tb, stopped when tb ends.
func Azurite(tb testing.TB) *AzureServer {
	tb.Helper()
	s, err := StartAzurite()
	Require(tb, "azurite", AzuriteInstall, err)
	tb.Cleanup(s.Stop)
	return s
}

// Stop kills the emulator and removes its files.
func (s *AzureServer) Stop() { s.proc.stop() }
