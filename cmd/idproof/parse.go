package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	_ "image/jpeg" // photos of licences
	_ "image/png"
	"io"
	"os"
	"strings"

	"github.com/idproof/idproof/aamva"
	"github.com/idproof/idproof/mrz"
	"github.com/idproof/idproof/pdf417"
)

const parseUsage = `usage:
  idproof parse mrz   < ZONE.txt
  idproof parse aamva < PAYLOAD
  idproof parse barcode IMAGE

mrz reads the machine readable zone of a passport or ID card (TD1, TD2 or
TD3; lines separated by newlines, or run together). aamva reads the decoded
PDF417 payload of a North American driver license or ID card, byte for byte;
it also prints "warnings" (departures from the standard it worked around)
and "unread" (elements too damaged to use, left out of the fields).
The result is printed as JSON with "valid" and "errors"; the command fails,
giving the reasons, when the input cannot be parsed or is not valid.

barcode decodes the PDF417 symbol in a PNG or JPEG image (a photo or scan
of a licence's back) and prints its text as "payload", with the symbol's
geometry and, when the payload is an AAMVA one, its fields under "aamva";
it fails when no readable symbol is found.`

// stdin is where parse reads its input; tests replace it.
var stdin io.Reader = os.Stdin

// maxParseInput bounds what parse reads: a zone is under 100 bytes and a
// barcode payload a few kilobytes, so more is a mistake, not a document.
const maxParseInput = 1 << 20

func runParse(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "barcode" {
		return parseBarcode(args[1:], stdout, stderr)
	}
	if len(args) == 0 || (args[0] != "mrz" && args[0] != "aamva") {
		fmt.Fprintln(stderr, parseUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return flag.ErrHelp
		}
		return usageError{"parse needs one of: mrz, aamva, barcode"}
	}
	kind := args[0]
	set := flag.NewFlagSet("parse "+kind, flag.ContinueOnError)
	set.SetOutput(stderr)
	set.Usage = func() { fmt.Fprintln(stderr, parseUsage) }
	if err := set.Parse(args[1:]); err != nil {
		return err
	}
	if set.NArg() > 0 {
		return usageError{fmt.Sprintf("parse %s reads standard input and takes no arguments", kind)}
	}
	data, err := io.ReadAll(io.LimitReader(stdin, maxParseInput+1))
	if err != nil {
		return fmt.Errorf("parse %s: reading standard input: %w", kind, err)
	}
	if len(data) > maxParseInput {
		return fmt.Errorf("parse %s: input is larger than %d bytes", kind, maxParseInput)
	}
	if kind == "mrz" {
		return parseMRZ(data, stdout)
	}
	return parseAAMVA(data, stdout)
}

func parseMRZ(data []byte, stdout io.Writer) error {
	r, err := mrz.Parse(string(data))
	if err != nil {
		return err // already says "mrz: ..."
	}
	errs := r.Errors()
	return printParsed(stdout, "mrz", struct {
		*mrz.Result
		Valid bool `json:"valid"`
		// Specimen: the zone names ICAO's specimen state; well formed,
		// but the built-in verifier refuses it (acceptSpecimens aside).
		Specimen bool     `json:"specimen"`
		Errors   []string `json:"errors"`
	}{r, r.Valid(), r.Specimen(), orEmpty(errs)}, r.Valid(), errs)
}

func parseAAMVA(data []byte, stdout io.Writer) error {
	r, err := aamva.Parse(data)
	if err != nil {
		return err // already says "aamva: ..."
	}
	errs := r.Errors()
	// The element IDs ("DAQ") are values in the output, never keys, so
	// that every key is camelCase.
	return printParsed(stdout, "aamva", struct {
		*aamva.Result
		Valid    bool     `json:"valid"`
		Errors   []string `json:"errors"`
		Warnings []string `json:"warnings"`
		Unread   []string `json:"unread"`
	}{r, r.Valid(), orEmpty(errs), orEmpty(r.Warnings()), orEmpty(r.Unread())}, r.Valid(), errs)
}

// printParsed prints the result, and fails with the reasons when there are
// any: the JSON still goes out first, so a caller sees what was read.
func printParsed(stdout io.Writer, kind string, v any, valid bool, errs []string) error {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // the MRZ filler '<' is data, not markup
	if err := enc.Encode(v); err != nil {
		return err
	}
	if !valid {
		return fmt.Errorf("parse %s: not valid: %s", kind, strings.Join(errs, "; "))
	}
	return nil
}

// orEmpty makes an empty list print as [] rather than null.
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// maxImageFile bounds the image parse barcode reads.
const maxImageFile = 64 << 20

func parseBarcode(args []string, stdout, stderr io.Writer) error {
	set := flag.NewFlagSet("parse barcode", flag.ContinueOnError)
	set.SetOutput(stderr)
	set.Usage = func() { fmt.Fprintln(stderr, parseUsage) }
	if err := set.Parse(args); err != nil {
		return err
	}
	if set.NArg() != 1 {
		return usageError{"parse barcode takes one image file"}
	}
	f, err := os.Open(set.Arg(0))
	if err != nil {
		return fmt.Errorf("parse barcode: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxImageFile+1))
	if err != nil {
		return fmt.Errorf("parse barcode: %w", err)
	}
	if len(data) > maxImageFile {
		return fmt.Errorf("parse barcode: %s is larger than %d bytes", set.Arg(0), maxImageFile)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("parse barcode: %s: %w", set.Arg(0), err)
	}
	res, err := pdf417.Decode(img)
	if err != nil {
		return fmt.Errorf("parse barcode: %s: %w", set.Arg(0), err)
	}
	type aamvaOut struct {
		*aamva.Result
		Valid    bool     `json:"valid"`
		Errors   []string `json:"errors"`
		Warnings []string `json:"warnings"`
		Unread   []string `json:"unread"`
	}
	out := struct {
		Payload   string        `json:"payload"`
		Rows      int           `json:"rows"`
		Columns   int           `json:"columns"`
		Level     int           `json:"level"`
		Corrected int           `json:"corrected"`
		ECIs      []pdf417.ECI  `json:"ecis,omitempty"`
		Macro     *pdf417.Macro `json:"macro,omitempty"`
		AAMVA     *aamvaOut     `json:"aamva,omitempty"`
	}{Payload: string(res.Payload), Rows: res.Rows, Columns: res.Columns, Level: res.Level,
		Corrected: res.Corrected, ECIs: res.ECIs, Macro: res.Macro}
	// A payload is an AAMVA one when the parser recognises its header;
	// anything else is printed as text alone.
	if r, err := aamva.Parse(res.Payload); err == nil {
		out.AAMVA = &aamvaOut{r, r.Valid(), orEmpty(r.Errors()), orEmpty(r.Warnings()), orEmpty(r.Unread())}
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
