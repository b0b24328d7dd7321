package openapi

import (
	"bytes"
	_ "embed"
	"encoding/json"
)

//go:embed openapi.json
var document []byte

// versionPlaceholder is info.version in the embedded document; a server
// replaces it by its own version.
const versionPlaceholder = `"version": "unversioned"`

// JSON returns the embedded document. The slice is shared: callers must
// not modify it.
func JSON() []byte { return document }

// ForVersion returns the document with info.version set to version, the
// server's build version, so that a client can tell which build a copy of
// the description came from. An empty version leaves the placeholder.
func ForVersion(version string) []byte {
	if version == "" {
		return document
	}
	v, _ := json.Marshal(version)
	return bytes.Replace(document, []byte(versionPlaceholder), append([]byte(`"version": `), v...), 1)
}
