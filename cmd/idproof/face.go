package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/idproof/idproof/face"
)

const faceUsage = `usage:
  idproof face compare [-threshold D] A.jpg B.jpg

compare finds the one face in each photo (JPEG, PNG or WebP; a JPEG's EXIF
orientation is applied), describes both with the built-in face models and
prints, as JSON, each face (its box, detector score and keypoints, in the
photo's pixels; leftEye is the eye on the photo's left, the subject's
right), the distance between the two descriptors, the threshold
and whether they match (distance below the threshold; default the built-in
verifier's, %.2f). It fails when a photo has no face or several, and, after
printing the JSON, when the faces do not match.`

// maxFaceFile bounds what face compare reads: a phone photo is a few
// megabytes.
const maxFaceFile = 50 << 20

func runFace(_ context.Context, args []string, stdout, stderr io.Writer) error {
	usage := func() { fmt.Fprintf(stderr, faceUsage+"\n", face.Threshold) }
	if len(args) == 0 || args[0] != "compare" {
		usage()
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return flag.ErrHelp
		}
		return usageError{"face needs a subcommand: compare"}
	}
	set := flag.NewFlagSet("face compare", flag.ContinueOnError)
	set.SetOutput(stderr)
	set.Usage = usage
	threshold := set.Float64("threshold", face.Threshold, "distance below which the faces match")
	if err := set.Parse(args[1:]); err != nil {
		return err
	}
	if set.NArg() != 2 {
		usage()
		return usageError{"face compare takes two image files"}
	}
	if *threshold <= 0 {
		return usageError{"-threshold must be positive"}
	}
	var sides [2]faceSide
	var images [2]*face.Image
	for i, path := range set.Args() {
		m, f, err := faceIn(path)
		if err != nil {
			return err
		}
		b := m.Bounds()
		images[i] = m
		sides[i] = faceSide{File: path, Width: b.Dx(), Height: b.Dy(), Face: newFaceJSON(f)}
	}
	var ds [2]face.Descriptor
	for i, m := range images {
		d, err := m.Describe(sides[i].Face.face)
		if err != nil {
			return err
		}
		ds[i] = d[0]
	}
	dist := face.Distance(ds[0], ds[1])
	out := struct {
		A         faceSide `json:"a"`
		B         faceSide `json:"b"`
		Distance  float64  `json:"distance"`
		Threshold float64  `json:"threshold"`
		Match     bool     `json:"match"`
	}{sides[0], sides[1], round3(dist), *threshold, dist < *threshold}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	if !out.Match {
		return fmt.Errorf("face compare: the faces do not match (distance %.3f, at or above %.2f)", dist, *threshold)
	}
	return nil
}

// faceIn reads an image file and finds its one face.
func faceIn(path string) (*face.Image, face.Face, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, face.Face{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFaceFile+1))
	if err != nil {
		return nil, face.Face{}, err
	}
	if len(data) > maxFaceFile {
		return nil, face.Face{}, fmt.Errorf("%s: larger than %d bytes", path, maxFaceFile)
	}
	m, err := face.Decode(data)
	if err != nil {
		return nil, face.Face{}, fmt.Errorf("%s: %w", path, err)
	}
	fc, err := m.Single()
	var many *face.ManyFacesError
	switch {
	case errors.Is(err, face.ErrNoFace):
		return nil, face.Face{}, fmt.Errorf("%s: no face found", path)
	case errors.As(err, &many):
		return nil, face.Face{}, fmt.Errorf("%s: %d faces found; exactly one is expected", path, len(many.Faces))
	case err != nil:
		return nil, face.Face{}, fmt.Errorf("%s: %w", path, err)
	}
	return m, fc, nil
}

// faceSide is one photo in the output.
type faceSide struct {
	File   string   `json:"file"`
	Width  int      `json:"width"`
	Height int      `json:"height"`
	Face   faceJSON `json:"face"`
}

// faceJSON is a detection with its keypoints named.
type faceJSON struct {
	Score     float64               `json:"score"`
	Box       [4]float64            `json:"box"` // x0, y0, x1, y1
	Keypoints map[string]face.Point `json:"keypoints"`
	face      face.Face
}

func newFaceJSON(f face.Face) faceJSON {
	out := faceJSON{Score: round3(f.Score), Keypoints: map[string]face.Point{}, face: f}
	for i, v := range f.Box {
		out.Box[i] = round1(v)
	}
	for i, name := range []string{"leftEye", "rightEye", "nose", "mouth", "leftEar", "rightEar"} {
		p := f.Keypoints[i]
		out.Keypoints[name] = face.Point{X: round1(p.X), Y: round1(p.Y)}
	}
	return out
}

func round1(v float64) float64 { return float64(int64(v*10+sign(v)*0.5)) / 10 }
func round3(v float64) float64 { return float64(int64(v*1000+sign(v)*0.5)) / 1000 }

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}
