package pdf417

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// Mode and function codewords (ISO/IEC 15438, 5.4).
const (
	cwText        = 900 // latch to text compaction
	cwByte        = 901 // latch to byte compaction (not a multiple of 6 bytes)
	cwNumeric     = 902 // latch to numeric compaction
	cwShiftByte   = 913 // the next codeword is one byte
	cwReaderInit  = 921
	cwMacroEnd    = 922 // last segment of a macro PDF417 file
	cwMacroField  = 923 // optional macro field follows
	cwByte6       = 924 // latch to byte compaction (a multiple of 6 bytes)
	cwECIUser     = 925 // user-defined ECI, one codeword
	cwECIGeneral  = 926 // general-purpose ECI, two codewords
	cwECICharset  = 927 // character-set ECI, one codeword
	cwMacroHeader = 928 // macro PDF417 control block
)

// Result is a decoded symbol.
type Result struct {
	// Payload is the data bytes, exactly as encoded: text compaction
	// characters as ASCII, byte compaction bytes as they are. Character
	// sets named by ECI are not converted (see ECIs).
	Payload []byte
	// ECIs lists the Extended Channel Interpretations in the data, each
	// with the payload offset from which it applies.
	ECIs []ECI `json:"ecis,omitempty"`
	// Macro is the macro PDF417 control block, for a symbol that is one
	// segment of a larger file.
	Macro *Macro `json:"macro,omitempty"`
	// ReaderInit: the symbol programs the reader (codeword 921).
	ReaderInit bool `json:"readerInit,omitempty"`

	Rows, Columns int // the symbol's data matrix
	Level         int // security level 0–8: 2^(Level+1) check codewords
	Corrected     int // codewords repaired by error correction
	Erasures      int // of which were unreadable
}

// ECI is an Extended Channel Interpretation: Value from Offset on.
type ECI struct {
	Value  int `json:"value"`
	Offset int `json:"offset"`
}

// Macro is a macro PDF417 control block (codeword 928).
type Macro struct {
	SegmentIndex int    `json:"segmentIndex"`
	FileID       []int  `json:"fileId"`
	Last         bool   `json:"last"` // codeword 922: the file's last segment
	FileName     string `json:"fileName,omitempty"`
	SegmentCount int    `json:"segmentCount,omitempty"`
	TimeStamp    int64  `json:"timeStamp,omitempty"`
	Sender       string `json:"sender,omitempty"`
	Addressee    string `json:"addressee,omitempty"`
	FileSize     int64  `json:"fileSize,omitempty"`
	Checksum     int    `json:"checksum,omitempty"`
}

// ErrFormat: the codewords are not a valid PDF417 data stream.
var ErrFormat = errors.New("pdf417: malformed data codewords")

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// DecodeCodewords decodes the data codewords of a symbol, the symbol
// length descriptor first (its value is the number of data codewords,
// itself included; codewords after that are ignored), after error
// correction. Any input gives a result or an error, never a panic.
func DecodeCodewords(cw []int) (*Result, error) {
	if len(cw) == 0 {
		return nil, formatErr("no codewords")
	}
	n := cw[0]
	if n < 1 || n > len(cw) {
		return nil, formatErr("length descriptor %d for %d codewords", n, len(cw))
	}
	for _, c := range cw[:n] {
		if c < 0 || c >= gfMod {
			return nil, formatErr("codeword value %d", c)
		}
	}
	d := &decoder{cw: cw[1:n], res: &Result{}}
	if err := d.run(); err != nil {
		return nil, err
	}
	d.res.Payload = d.out
	if d.res.Payload == nil {
		d.res.Payload = []byte{}
	}
	return d.res, nil
}

type decoder struct {
	cw  []int
	i   int
	out []byte
	res *Result
}

func (d *decoder) run() error {
	mode := cwText
	for d.i < len(d.cw) {
		var err error
		switch mode {
		case cwText:
			err = d.text()
		case cwByte, cwByte6:
			err = d.bytes(mode)
		case cwNumeric:
			err = d.numeric()
		}
		if err != nil {
			return err
		}
		if d.i >= len(d.cw) {
			break
		}
		// Every mode stops at a codeword of 900 or more.
		c := d.cw[d.i]
		d.i++
		switch c {
		case cwText, cwByte, cwByte6, cwNumeric:
			mode = c
		case cwShiftByte:
			// One byte outside text compaction (inside it, text
			// handles the shift and keeps its submode); text follows.
			if d.i < len(d.cw) {
				d.out = append(d.out, byte(d.cw[d.i]))
				d.i++
			}
			mode = cwText
		case cwECICharset, cwECIUser:
			if err := d.eci(c); err != nil {
				return err
			}
		case cwECIGeneral:
			if err := d.eci(c); err != nil {
				return err
			}
		case cwMacroHeader:
			return d.macro()
		case cwMacroField, cwMacroEnd:
			// Only valid inside a control block.
			return formatErr("codeword %d outside a macro control block", c)
		case cwReaderInit:
			d.res.ReaderInit = true
		default:
			return formatErr("reserved codeword %d", c)
		}
	}
	return nil
}

func (d *decoder) eci(c int) error {
	need := 1
	if c == cwECIGeneral {
		need = 2
	}
	if d.i+need > len(d.cw) {
		return formatErr("ECI %d without its value", c)
	}
	var v int
	switch c {
	case cwECICharset:
		v = d.cw[d.i]
	case cwECIGeneral:
		v = 900*(d.cw[d.i]+1) + d.cw[d.i+1]
	case cwECIUser:
		v = 810900 + d.cw[d.i]
	}
	for _, x := range d.cw[d.i : d.i+need] {
		if x >= 900 {
			return formatErr("ECI %d value codeword %d", c, x)
		}
	}
	d.i += need
	d.res.ECIs = append(d.res.ECIs, ECI{Value: v, Offset: len(d.out)})
	return nil
}

// Text compaction submodes.
const (
	subAlpha = iota
	subLower
	subMixed
	subPunct
)

// Special values within text compaction (per submode, see textChar).
const (
	tcLL = -1 - iota // latch lower
	tcAL             // latch alpha
	tcML             // latch mixed
	tcPL             // latch punctuation
	tcAS             // shift alpha
	tcPS             // shift punctuation
)

var (
	mixedChars = [25]byte{'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '&', '\r', '\t', ',', ':', '#', '-', '.', '$', '/', '+', '%', '*', '=', '^'}
	punctChars = [29]byte{';', '<', '>', '@', '[', '\\', ']', '_', '`', '~', '!', '\r', '\t', ',', ':', '\n', '-', '.', '$', '/', '"', '|', '*', '(', ')', '?', '{', '}', '\''}
)

// textChar returns the character (≥ 0) or the latch or shift (< 0) that
// value v (0–29) stands for in submode sub.
func textChar(sub, v int) int {
	switch sub {
	case subAlpha, subLower:
		switch {
		case v < 26 && sub == subAlpha:
			return 'A' + v
		case v < 26:
			return 'a' + v
		case v == 26:
			return ' '
		case v == 27 && sub == subAlpha:
			return tcLL
		case v == 27:
			return tcAS
		case v == 28:
			return tcML
		default:
			return tcPS
		}
	case subMixed:
		switch {
		case v < 25:
			return int(mixedChars[v])
		case v == 25:
			return tcPL
		case v == 26:
			return ' '
		case v == 27:
			return tcLL
		case v == 28:
			return tcAL
		default:
			return tcPS
		}
	default: // punctuation
		if v < 29 {
			return int(punctChars[v])
		}
		return tcAL
	}
}

// text decodes text compaction codewords (two values of 0–29 each) up to
// the next codeword of 900 or more. A byte shift (913) inside text keeps
// the submode, so it is handled here rather than in run.
func (d *decoder) text() error {
	sub, shifted := subAlpha, -1
	for d.i < len(d.cw) {
		c := d.cw[d.i]
		if c == cwShiftByte {
			if d.i+1 < len(d.cw) && d.cw[d.i+1] < 900 {
				d.out = append(d.out, byte(d.cw[d.i+1]))
				d.i += 2
				continue
			}
			return formatErr("byte shift without a byte")
		}
		if c >= 900 {
			return nil
		}
		d.i++
		for _, v := range [2]int{c / 30, c % 30} {
			cur := sub
			if shifted >= 0 {
				cur = shifted
			}
			ch := textChar(cur, v)
			if shifted >= 0 {
				shifted = -1
				if ch < 0 {
					// A shift to a latch is meaningless; ignore it.
					continue
				}
			}
			switch ch {
			case tcLL:
				sub = subLower
			case tcAL:
				sub = subAlpha
			case tcML:
				sub = subMixed
			case tcPL:
				sub = subPunct
			case tcAS:
				shifted = subAlpha
			case tcPS:
				shifted = subPunct
			default:
				d.out = append(d.out, byte(ch))
			}
		}
	}
	return nil
}

// bytes decodes byte compaction: five codewords carry six bytes (base
// 900); remaining bytes, fewer than six, take one codeword each. After
// latch 901, whose byte count is not a multiple of six, a final group of
// five codewords is therefore five single bytes.
func (d *decoder) bytes(mode int) error {
	start := d.i
	for d.i < len(d.cw) && d.cw[d.i] < 900 {
		d.i++
	}
	run := d.cw[start:d.i]
	for len(run) > 0 {
		if len(run) >= 5 && (mode == cwByte6 || len(run) > 5) {
			var v uint64
			for _, c := range run[:5] {
				v = v*900 + uint64(c)
			}
			if v >= 1<<48 {
				return formatErr("byte compaction group exceeds six bytes")
			}
			for s := 40; s >= 0; s -= 8 {
				d.out = append(d.out, byte(v>>uint(s)))
			}
			run = run[5:]
			continue
		}
		for _, c := range run {
			if c > 255 {
				return formatErr("byte codeword %d", c)
			}
			d.out = append(d.out, byte(c))
		}
		run = nil
	}
	return nil
}

var nineHundred = big.NewInt(900)

// numeric decodes numeric compaction: groups of up to 15 codewords are a
// base-900 number whose decimal digits, after a leading 1, are the data.
func (d *decoder) numeric() error {
	for d.i < len(d.cw) && d.cw[d.i] < 900 {
		end := d.i
		for end < len(d.cw) && end-d.i < 15 && d.cw[end] < 900 {
			end++
		}
		v := new(big.Int)
		for _, c := range d.cw[d.i:end] {
			v.Mul(v, nineHundred)
			v.Add(v, big.NewInt(int64(c)))
		}
		s := v.String()
		if len(s) < 2 || s[0] != '1' {
			return formatErr("numeric compaction group %s", s)
		}
		d.out = append(d.out, s[1:]...)
		d.i = end
	}
	return nil
}

// macro decodes a macro PDF417 control block, which ends the data.
func (d *decoder) macro() error {
	m := &Macro{}
	d.res.Macro = m
	// Segment index: two codewords of numeric compaction (5 digits).
	if d.i+2 > len(d.cw) {
		return formatErr("macro control block without a segment index")
	}
	idx, err := numericValue(d.cw[d.i : d.i+2])
	if err != nil {
		return err
	}
	m.SegmentIndex = int(idx.Int64())
	d.i += 2
	for d.i < len(d.cw) && d.cw[d.i] < 900 {
		m.FileID = append(m.FileID, d.cw[d.i])
		d.i++
	}
	for d.i < len(d.cw) {
		c := d.cw[d.i]
		d.i++
		switch c {
		case cwMacroEnd:
			m.Last = true
		case cwMacroField:
			if d.i >= len(d.cw) {
				return formatErr("macro field without a designator")
			}
			f := d.cw[d.i]
			d.i++
			end := d.i
			for end < len(d.cw) && d.cw[end] < 900 {
				end++
			}
			val := d.cw[d.i:end]
			d.i = end
			switch f {
			case 0, 3, 4: // file name, sender, addressee: text
				sub := &decoder{cw: val, res: &Result{}}
				if err := sub.text(); err != nil {
					return err
				}
				s := string(sub.out)
				switch f {
				case 0:
					m.FileName = s
				case 3:
					m.Sender = s
				default:
					m.Addressee = s
				}
			case 1, 2, 5, 6: // numbers
				v, err := numericValue(val)
				if err != nil {
					return err
				}
				if !v.IsInt64() {
					return formatErr("macro field %d too large", f)
				}
				switch f {
				case 1:
					m.SegmentCount = int(v.Int64())
				case 2:
					m.TimeStamp = v.Int64()
				case 5:
					m.FileSize = v.Int64()
				default:
					m.Checksum = int(v.Int64())
				}
			default:
				return formatErr("macro field designator %d", f)
			}
		default:
			// Padding after the control block.
			if c != cwText {
				return formatErr("codeword %d in a macro control block", c)
			}
		}
	}
	return nil
}

// numericValue reads one numeric-compaction group as a number.
func numericValue(cw []int) (*big.Int, error) {
	if len(cw) == 0 || len(cw) > 15 {
		return nil, formatErr("numeric group of %d codewords", len(cw))
	}
	v := new(big.Int)
	for _, c := range cw {
		if c >= 900 {
			return nil, formatErr("numeric codeword %d", c)
		}
		v.Mul(v, nineHundred)
		v.Add(v, big.NewInt(int64(c)))
	}
	s := v.String()
	if len(s) < 2 || s[0] != '1' {
		// Macro segment indexes are encoded without the leading 1 by
		// some writers; accept the plain value.
		return v, nil
	}
	v.SetString(strings.TrimPrefix(s, "1"), 10)
	return v, nil
}
