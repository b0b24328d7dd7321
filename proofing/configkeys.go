package proofing

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
)

// A setting in the wrong place of a verification configuration used to be
// ignored without a word: a piiRetentionInMin beside verification.config
// instead of inside it left the default retention in force. The objects
// whose shape the server owns (connector and verification) now refuse keys
// they do not have, and a known setting found elsewhere is named with the
// place it belongs. The insides of connector.config and verification.config
// stay open: connectors read their own options there (verification.config
// is shared with them, and some pass options on to their vendor), and they
// check what they read.

// Keys of the connector and verification objects, as the API document
// writes them.
var (
	connectorKeys    = []string{"id", "type", "config"}
	verificationKeys = []string{"id", "tag", "type", "config"}
)

// settingKeys are the keys of verification.config the engine reads, taken
// from verificationObject so the two cannot drift apart.
var settingKeys = func() []string {
	var keys []string
	t := reflect.TypeFor[verificationObject]()
	f, _ := t.FieldByName("Config")
	for i := range f.Type.NumField() {
		if tag, _, _ := strings.Cut(f.Type.Field(i).Tag.Get("json"), ","); tag != "" {
			keys = append(keys, tag)
		}
	}
	return keys
}()

// connectorOwned are settings a connector may also read from its own
// config: license is the capture license, which the API document puts in
// connector.config; verifier and debug are names generic enough for a
// connector to have. The others are session settings only the engine
// reads, so in connector.config they can only be misplaced.
var connectorOwned = []string{"license", "verifier", "debug"}

// checkConfigKeys refuses unknown keys in a verification configuration's
// connector and verification objects, and session settings put where they
// are not read. Each error names the key and, for a known key, where it
// belongs.
func checkConfigKeys(connector, verification json.RawMessage) error {
	if keys, ok := objectKeys(connector); ok {
		for _, k := range keys {
			if slices.Contains(connectorKeys, k) {
				continue
			}
			return invalid("connector.%s is not a field of the connector object (%s)%s", k, strings.Join(connectorKeys, ", "), belongs(k, "connector"))
		}
		var c struct {
			Config json.RawMessage `json:"config"`
		}
		if json.Unmarshal(connector, &c) == nil {
			keys, _ := objectKeys(c.Config)
			for _, k := range keys {
				if slices.Contains(settingKeys, k) && !slices.Contains(connectorOwned, k) {
					return invalid("connector.config.%s is a session setting: it belongs in verification.config", k)
				}
			}
		}
	}
	keys, ok := objectKeys(verification)
	if !ok {
		return nil // ParseSettings reports what is wrong with it
	}
	for _, k := range keys {
		if !slices.Contains(verificationKeys, k) {
			return invalid("verification.%s is not a field of the verification object (%s)%s", k, strings.Join(verificationKeys, ", "), belongs(k, "verification"))
		}
	}
	var v struct {
		Config json.RawMessage `json:"config"`
	}
	if json.Unmarshal(verification, &v) == nil {
		keys, _ := objectKeys(v.Config)
		for _, k := range keys {
			if near := nearSetting(k); near != "" {
				return invalid("verification.config.%s is not a setting the server reads; did you mean %s?", k, near)
			}
		}
	}
	return nil
}

// belongs says where a key found at the top of the connector or
// verification object belongs, when it is known elsewhere.
func belongs(key, object string) string {
	switch {
	case key == "license":
		return "; it belongs in connector.config or verification.config"
	case slices.Contains(settingKeys, key):
		return "; it belongs in verification.config"
	case object == "connector":
		return "; the connector's own settings belong in connector.config"
	}
	return ""
}

// objectKeys returns the keys of a JSON object, sorted so that an error
// names the same key every time; ok is false when raw is not an object.
func objectKeys(raw json.RawMessage) ([]string, bool) {
	var m map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil || m == nil {
		return nil, false
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys, true
}

// nearSetting returns the setting key is a likely misspelling of
// (piiRetentionInMins, maxRetry): within two edits of it, ignoring case,
// and not itself a setting (encoding/json matches settings regardless of
// case, so those are read). Short keys are left alone, being connectors'
// as likely as not.
func nearSetting(key string) string {
	if len(key) < 8 {
		return ""
	}
	k := strings.ToLower(key)
	for _, s := range settingKeys {
		ls := strings.ToLower(s)
		if k == ls {
			return ""
		}
	}
	for _, s := range settingKeys {
		if editDistance(k, strings.ToLower(s)) <= 2 {
			return s
		}
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, bytewise.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
