package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/idproof/idproof/internal/zxingtest"
)

const specimenMRZ = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" +
	"L898902C36UTO7408122F1204159ZE184226B<<<<<10\n"

// parseCommand runs idproof parse with input on standard input and returns
// what it printed.
func parseCommand(t *testing.T, input string, args ...string) (string, error) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(input)
	t.Cleanup(func() { stdin = old })
	var out strings.Builder
	err := run(context.Background(), append([]string{"parse"}, args...), &out, io.Discard)
	return out.String(), err
}

func TestParseMRZValid(t *testing.T) {
	out, err := parseCommand(t, specimenMRZ, "mrz")
	if err != nil {
		t.Fatalf("parse mrz: %v\n%s", err, out)
	}
	var got struct {
		Format         string
		DocumentNumber string
		BirthDate      string
		Checks         []struct{ Field, Expected, Got string }
		Valid          bool
		Errors         []string
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if got.Format != "TD3" || got.DocumentNumber != "L898902C3" || got.BirthDate != "1974-08-12" ||
		len(got.Checks) != 5 || !got.Valid || got.Errors == nil || len(got.Errors) != 0 {
		t.Errorf("output %+v", got)
	}
	if !strings.Contains(out, "\n  \"valid\": true") {
		t.Errorf("output is not indented: %s", out)
	}
}

func TestParseMRZInvalid(t *testing.T) {
	corrupt := strings.Replace(specimenMRZ, "L898902C36", "L898902C37", 1)
	out, err := parseCommand(t, corrupt, "mrz")
	if err == nil || !strings.Contains(err.Error(), "document number check digit is 7, computed 6") || exitCode(err) != 1 {
		t.Fatalf("error %v", err)
	}
	// The reading is printed all the same, marked invalid.
	var got struct {
		Valid  bool
		Errors []string
	}
	if jerr := json.Unmarshal([]byte(out), &got); jerr != nil || got.Valid || len(got.Errors) != 2 {
		t.Errorf("output %+v, %v: %s", got, jerr, out)
	}

	out, err = parseCommand(t, "P<UTO lower\n", "mrz")
	if err == nil || !strings.Contains(err.Error(), "line 1, column 6") || out != "" {
		t.Errorf("unparsable: %v, output %q", err, out)
	}
}

func TestParseUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"xml"}, {"mrz", "extra"}} {
		if _, err := parseCommand(t, "", args...); exitCode(err) != 2 {
			t.Errorf("parse %q: %v, want a usage error", args, err)
		}
	}
	if _, err := parseCommand(t, "", "-h"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("parse -h: %v", err)
	}
}

// aamvaSample is the sample payload of the 2020 standard, as
// spec/CONNECTORS.md gives it.
const aamvaSample = "@\n\x1e\rANSI 636000100102DL00410278ZV03190008DLDAQT64235789\nDCSSAMPLE\nDDEN\nDACMICHAEL\nDDFN\nDADJOHN\nDDGN\nDCUJR\nDCAD\nDCBK\nDCDPH\nDBD06062019\nDBB06061986\nDBA12102024\nDBC1\nDAU068 in\nDAYBRO\nDAG2300 WEST BROAD STREET\nDAIRICHMOND\nDAJVA\nDAK232690000  \nDCF2424244747474786102204\nDCGUSA\nDCK123456789\nDDAF\nDDB06062018\nDDC06062020\nDDD1\rZVZVA01\r"

func TestParseAAMVA(t *testing.T) {
	out, err := parseCommand(t, aamvaSample, "aamva")
	if err != nil {
		t.Fatalf("parse aamva: %v\n%s", err, out)
	}
	var got struct {
		DocumentNumber string `json:"documentNumber"`
		FamilyName     string `json:"familyName"`
		BirthDate      string `json:"birthDate"`
		Subfiles       []struct {
			Type     string `json:"type"`
			Elements []struct{ ID, Value string }
		} `json:"subfiles"`
		Valid    bool     `json:"valid"`
		Errors   []string `json:"errors"`
		Warnings []string `json:"warnings"`
		Unread   []string `json:"unread"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if got.DocumentNumber != "T64235789" || got.FamilyName != "SAMPLE" || got.BirthDate != "1986-06-06" ||
		!got.Valid || got.Errors == nil || len(got.Errors) != 0 || got.Warnings == nil || got.Unread == nil ||
		len(got.Subfiles) != 2 || got.Subfiles[0].Type != "DL" || got.Subfiles[0].Elements[0].ID != "DAQ" {
		t.Errorf("output %+v", got)
	}
	if _, err := parseCommand(t, "not a barcode", "aamva"); err == nil {
		t.Error("parse aamva accepted text that is not a payload")
	}
}

// TestParseKeysCamelCase checks that every key the parse commands print is
// camelCase, as in every other command's output.
func TestParseKeysCamelCase(t *testing.T) {
	damaged := strings.Replace(aamvaSample, "T64235789\n", "T64235789", 1)
	for _, c := range []struct{ kind, input string }{
		{"aamva", aamvaSample},
		{"aamva", damaged}, // with errors, warnings and unread elements
		{"mrz", specimenMRZ},
	} {
		out, _ := parseCommand(t, c.input, c.kind)
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("parse %s: output %q: %v", c.kind, out, err)
		}
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, e := range v {
					if k == "" || unicode.IsUpper(rune(k[0])) || strings.ContainsAny(k, "_- ") {
						t.Errorf("parse %s: key %s.%s is not camelCase", c.kind, path, k)
					}
					walk(path+"."+k, e)
				}
			case []any:
				for i, e := range v {
					walk(fmt.Sprintf("%s[%d]", path, i), e)
				}
			}
		}
		walk("", v)
	}
}

// TestParseAAMVADamaged checks that a payload whose fields could not all
// be read fails, naming them, and prints what was read.
func TestParseAAMVADamaged(t *testing.T) {
	out, err := parseCommand(t, strings.Replace(aamvaSample, "T64235789\n", "T64235789", 1), "aamva")
	if err == nil || !strings.Contains(err.Error(), "DAQ document number could not be read") {
		t.Fatalf("error %v", err)
	}
	var got struct {
		DocumentNumber string   `json:"documentNumber"`
		FirstName      string   `json:"firstName"`
		Unread         []string `json:"unread"`
	}
	if jerr := json.Unmarshal([]byte(out), &got); jerr != nil || got.DocumentNumber != "" ||
		got.FirstName != "MICHAEL" || strings.Join(got.Unread, ",") != "DAQ,DCS" {
		t.Errorf("output %+v, %v", got, jerr)
	}
}

// TestParseAAMVAExample parses the example payload the documentation
// gives.
func TestParseAAMVAExample(t *testing.T) {
	data, err := os.ReadFile("../../docs/examples/licence-barcode.txt")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("no docs/examples/licence-barcode.txt")
	}
	if err != nil {
		t.Fatal(err)
	}
	if out, err := parseCommand(t, string(data), "aamva"); err != nil {
		t.Errorf("parse aamva: %v\n%s", err, out)
	}
}

// TestParseBarcode decodes a PDF417 image printed by ZXingWriter (Debian
// zxing-cpp-tools; skipped without it, except under CI=true) and checks
// the payload and its AAMVA fields, then an image without a symbol.
func TestParseBarcode(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "back.png")
	writePNG(t, img, zxingtest.Write(t, "PDF417", aamvaSample, "-ecc", "4"))
	out, err := parseCommand(t, "", "barcode", img)
	if err != nil {
		t.Fatalf("parse barcode: %v\n%s", err, out)
	}
	var got struct {
		Payload string `json:"payload"`
		Level   int    `json:"level"`
		AAMVA   struct {
			DocumentNumber string `json:"documentNumber"`
			Valid          bool   `json:"valid"`
		} `json:"aamva"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if got.Payload != aamvaSample || got.Level != 4 || got.AAMVA.DocumentNumber != "T64235789" || !got.AAMVA.Valid {
		t.Errorf("output %s", out)
	}

	blank := filepath.Join(dir, "blank.png")
	writePNG(t, blank, image.NewGray(image.Rect(0, 0, 300, 200)))
	if out, err := parseCommand(t, "", "barcode", blank); err == nil || exitCode(err) != 1 || out != "" {
		t.Errorf("blank image: %v, exit %d, output %q", err, exitCode(err), out)
	}
	if _, err := parseCommand(t, "", "barcode"); exitCode(err) != 2 {
		t.Errorf("parse barcode without a file: %v", err)
	}
}

// writePNG writes img to path as a PNG.
func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}
