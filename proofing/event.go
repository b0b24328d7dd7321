package proofing

import (
	"bytes"
	"encoding/json"
)

// Bounds of what one event may carry.
const (
	maxEventText  = 1000    // screen_name, and status or error as a string
	maxEventError = 4 << 10 // error as an object, encoded
)

// check validates the fields of an event: screen_name a short string,
// status a boolean or a string, error a string or an object. null or an
// absent field is dropped.
func (ev *Event) check() error {
	if len(ev.ScreenName) > maxEventText {
		return invalid("screen_name is longer than %d characters", maxEventText)
	}
	var err error
	if ev.Status, err = eventValue("status", ev.Status, false); err != nil {
		return err
	}
	ev.Error, err = eventValue("error", ev.Error, true)
	return err
}

// eventValue checks one of status or error and returns it compacted, or
// nil for null.
func eventValue(field string, raw json.RawMessage, objectOK bool) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, invalid("%s is not valid JSON", field)
	}
	out := json.RawMessage(buf.Bytes())
	switch out[0] {
	case '"':
		var s string
		if err := json.Unmarshal(out, &s); err != nil {
			return nil, invalid("%s is not a valid string", field)
		}
		if len(s) > maxEventText {
			return nil, invalid("%s is longer than %d characters", field, maxEventText)
		}
		return out, nil
	case 't', 'f':
		if !objectOK {
			return out, nil
		}
	case '{':
		if objectOK {
			if len(out) > maxEventError {
				return nil, invalid("%s is larger than %d bytes", field, maxEventError)
			}
			return out, nil
		}
	}
	if objectOK {
		return nil, invalid("%s must be a string or an object", field)
	}
	return nil, invalid("%s must be a boolean or a string", field)
}
