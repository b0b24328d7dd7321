package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
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

func TestParseAAMVA(t *testing.T) {
	// The sample payload of the 2020 standard, as spec/CONNECTORS.md gives it.
	sample := "@\n\x1e\rANSI 636000100102DL00410278ZV03190008DLDAQT64235789\nDCSSAMPLE\nDDEN\nDACMICHAEL\nDDFN\nDADJOHN\nDDGN\nDCUJR\nDCAD\nDCBK\nDCDPH\nDBD06062019\nDBB06061986\nDBA12102024\nDBC1\nDAU068 in\nDAYBRO\nDAG2300 WEST BROAD STREET\nDAIRICHMOND\nDAJVA\nDAK232690000  \nDCF2424244747474786102204\nDCGUSA\nDCK123456789\nDDAF\nDDB06062018\nDDC06062020\nDDD1\rZVZVA01\r"
	out, err := parseCommand(t, sample, "aamva")
	if err != nil || !strings.Contains(out, "T64235789") || !strings.Contains(out, `"valid": true`) {
		t.Errorf("parse aamva: %v\n%s", err, out)
	}
	if _, err := parseCommand(t, "not a barcode", "aamva"); err == nil {
		t.Error("parse aamva accepted text that is not a payload")
	}
}
