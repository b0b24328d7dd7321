package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// RequestID is the decrypted content of the requestid header.
type RequestID struct {
	TS    int64  // epoch seconds
	AppID string // the calling application; may be empty
	UUID  string // unique per request; need not be a UUID
}

// Marshal renders the header plaintext the way the vendor's clients do.
func (r RequestID) Marshal() []byte {
	b, _ := json.Marshal(struct {
		TS    int64  `json:"ts"`
		AppID string `json:"appid"`
		UUID  string `json:"uuid"`
	}{r.TS, r.AppID, r.UUID})
	return b
}

// ParseRequestID reads the requestid plaintext. It tolerates what real
// clients send: extra fields, "appId" for "appid", ts as a number (integer
// or float, seconds) or a numeric string.
func ParseRequestID(plain []byte) (RequestID, error) {
	if !utf8.Valid(plain) {
		// The decoder would turn bad bytes into U+FFFD, and two different
		// uuids into one replay record.
		return RequestID{}, errors.New("requestid is not valid UTF-8")
	}
	r, err := parseCanonical(plain)
	if err != nil {
		if r, err = parseTolerant(plain); err != nil {
			return r, err
		}
	}
	if r.UUID == "" {
		return r, errors.New("requestid has no uuid")
	}
	if len(r.UUID) > 200 {
		return r, errors.New("requestid uuid is too long")
	}
	// The uuid is stored as the replay record's key and the appid is
	// logged: neither may carry bytes a database or a log line cannot hold.
	if !printable(r.UUID) {
		return r, errors.New("requestid uuid must be printable UTF-8 text")
	}
	if !printable(r.AppID) {
		return r, errors.New("requestid appid must be printable UTF-8 text")
	}
	return r, nil
}

// parseCanonical reads the form every known client sends, {"ts": n,
// "appid": "...", "uuid": "..."} in any order and letter case, with
// extra members ignored, in one pass of the decoder: it runs on every
// request. Anything else falls to parseTolerant.
func parseCanonical(plain []byte) (RequestID, error) {
	var c struct {
		TS    json.Number `json:"ts"`
		AppID string      `json:"appid"`
		UUID  string      `json:"uuid"`
	}
	if err := json.Unmarshal(plain, &c); err != nil || c.TS == "" {
		return RequestID{}, errors.New("not canonical")
	}
	ts, err := parseTS(json.RawMessage(c.TS))
	if err != nil {
		return RequestID{}, err
	}
	return RequestID{TS: ts, AppID: c.AppID, UUID: c.UUID}, nil
}

// parseTolerant reads the requestid member by member, for the forms the
// canonical pass does not take (ts as a string, for one).
func parseTolerant(plain []byte) (RequestID, error) {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return RequestID{}, errors.New("requestid is not a JSON object")
	}
	var r RequestID
	rawTS, ok := m["ts"]
	if !ok {
		return r, errors.New("requestid has no ts")
	}
	ts, err := parseTS(rawTS)
	if err != nil {
		return r, err
	}
	r.TS = ts
	if err := optionalString(m, &r.AppID, "appid", "appId", "appID"); err != nil {
		return r, err
	}
	if err := optionalString(m, &r.UUID, "uuid", "UUID"); err != nil {
		return r, err
	}
	return r, nil
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if unicode.IsControl(c) {
			return false
		}
	}
	return true
}

func parseTS(raw json.RawMessage) (int64, error) {
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, errors.New("requestid ts is not a number")
		}
		n = json.Number(s)
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i, nil
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f != f || f > 1e15 || f < -1e15 {
		return 0, errors.New("requestid ts is not a number")
	}
	return int64(f), nil
}

func optionalString(m map[string]json.RawMessage, dst *string, names ...string) error {
	for _, name := range names {
		raw, ok := m[name]
		if !ok {
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return fmt.Errorf("requestid %s is not a string", name)
		}
		return nil
	}
	return nil
}

// CheckTime reports an error unless ts (epoch seconds) is within span of now.
func (r RequestID) CheckTime(now time.Time, span time.Duration) error {
	d := now.Sub(time.Unix(r.TS, 0))
	if d < 0 {
		d = -d
	}
	if d > span {
		return fmt.Errorf("requestid ts is %s away from server time; allowed %s", d.Round(time.Second), span)
	}
	return nil
}
