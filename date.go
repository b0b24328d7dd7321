package idproof

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar date without a time zone, as a document prints it
// (birth, expiry, issue). The zero Date means the date is absent: missing
// or unreadable on the document.
type Date struct {
	Year, Month, Day int
}

// IsZero reports whether the date is absent.
func (d Date) IsZero() bool { return d == Date{} }

// String formats the date as YYYY-MM-DD, or "" when it is absent.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Time returns midnight UTC at the start of the date.
func (d Date) Time() time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
}

// MarshalJSON writes the date as "YYYY-MM-DD", or null when it is absent.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads what MarshalJSON writes.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == nil || *s == "" {
		*d = Date{}
		return nil
	}
	t, err := time.Parse(time.DateOnly, *s)
	if err != nil {
		return err
	}
	*d = Date{t.Year(), int(t.Month()), t.Day()}
	return nil
}
