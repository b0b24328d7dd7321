package face

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// ErrNoFace is returned by Single when the image shows no face.
var ErrNoFace = errors.New("face: no face found")

// ManyFacesError is returned by Single when the image shows more than one
// face of comparable size.
type ManyFacesError struct {
	Faces []Face // largest first
}

func (e *ManyFacesError) Error() string {
	return fmt.Sprintf("face: %d faces found; exactly one is expected", len(e.Faces))
}

// Companion is the least width, relative to the largest face, of another
// face that makes Single ambiguous. Smaller faces are a bystander far
// behind, a face on a poster or the small "ghost" repeat of the portrait
// many identity cards print, not a second subject; the document portrait
// check (package docimage) draws the line at the same ratio.
const Companion = 2.0 / 3

// found is a detection with the view it was found in.
type found struct {
	Face
	v view
}

// Detect returns the faces at least minFace pixels wide (0 means
// DefaultMinFace), largest first. In a big photo the smallest faces cost
// the most: the photo is searched in tiles (see levels), at most maxViews
// detector runs, beyond which faces somewhat larger than minFace are
// missed; MinFace reports the width actually reached.
func (m *Image) Detect(minFace float64) ([]Face, error) {
	return m.search(minFace, false)
}

// MinFace returns the smallest face width Detect(minFace) reaches on this
// image.
func (m *Image) MinFace(minFace float64) float64 {
	if minFace <= 0 {
		minFace = DefaultMinFace
	}
	_, reached := levels(m.r.width(), m.r.height(), minFace)
	return reached
}

// Single returns the one face of a portrait or selfie: the largest face,
// when no other face is at least Companion times as wide. It returns
// ErrNoFace or a *ManyFacesError otherwise. It stops searching as soon as
// smaller faces cannot matter, so a photo whose face is large costs one
// detector run.
func (m *Image) Single() (Face, error) {
	faces, err := m.search(DefaultMinFace, true)
	if err != nil {
		return Face{}, err
	}
	if len(faces) == 0 {
		return Face{}, ErrNoFace
	}
	var many []Face
	for _, f := range faces {
		if f.Width() >= Companion*faces[0].Width() {
			many = append(many, f)
		}
	}
	if len(many) > 1 {
		return Face{}, &ManyFacesError{Faces: many}
	}
	return faces[0], nil
}

// search runs the detector over the levels of views, coarse to fine. With
// single, it stops after the level that finds faces down to Companion
// times the largest face found so far.
func (m *Image) search(minFace float64, single bool) ([]Face, error) {
	if minFace <= 0 {
		minFace = DefaultMinFace
	}
	plan, _ := levels(m.r.width(), m.r.height(), minFace)
	var all []found
	for _, tiles := range plan {
		for _, v := range tiles {
			faces, err := m.r.detectView(v.x0, v.y0, v.side)
			if err != nil {
				return nil, err
			}
			for _, f := range faces {
				if !v.cuts(f) {
					all = append(all, found{f, v})
				}
			}
		}
		all = dedupe(all)
		if single && len(all) > 0 {
			largest := 0.0
			for _, f := range all {
				largest = max(largest, f.Width())
			}
			if viewMinFace*tiles[0].side <= Companion*largest {
				break
			}
		}
	}
	out := make([]Face, len(all))
	for i, f := range all {
		r, err := m.refine(f)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	slices.SortStableFunc(out, func(a, b Face) int {
		switch {
		case a.Width() > b.Width():
			return -1
		case a.Width() < b.Width():
			return 1
		}
		return 0
	})
	return out, nil
}

// cuts reports whether f crosses one of the view's edges inside the image:
// the detector then saw part of a face, which a neighbouring tile shows
// whole.
func (v view) cuts(f Face) bool {
	return (v.inner[0] && f.Box[0] <= v.x0) || (v.inner[1] && f.Box[1] <= v.y0) ||
		(v.inner[2] && f.Box[2] >= v.x0+v.side) || (v.inner[3] && f.Box[3] >= v.y0+v.side)
}

// dedupe keeps one detection of each face, the highest scoring: another
// detection that overlaps it by more than maxOverlap, or lies mostly
// inside it, is the same face seen in another view or scale.
func dedupe(fs []found) []found {
	slices.SortStableFunc(fs, func(a, b found) int { return cmp.Compare(b.Score, a.Score) })
	var kept []found
	for _, f := range fs {
		same := false
		for _, k := range kept {
			inter := intersection(f.Box, k.Box)
			if inter/(area(f.Box)+area(k.Box)-inter) > maxOverlap || inter > 0.6*min(area(f.Box), area(k.Box)) {
				same = true
				break
			}
		}
		if !same {
			kept = append(kept, f)
		}
	}
	return kept
}

func area(b [4]float64) float64 { return max(0, b[2]-b[0]) * max(0, b[3]-b[1]) }

func intersection(a, b [4]float64) float64 {
	return max(0, min(a[2], b[2])-max(a[0], b[0])) * max(0, min(a[3], b[3])-max(a[1], b[1]))
}

// refine detects a face again in a view sized for it, when the view it was
// found in showed it too small (keypoints a pixel or two apart) or too
// large (a box that no longer fits) for its keypoints to be precise. The
// original stands when the new view finds nothing there.
func (m *Image) refine(f found) (Face, error) {
	rel := f.Width() / f.v.side
	if rel >= refineBelow && rel <= refineAbove {
		return f.Face, nil
	}
	side := f.Width() / viewGoodFace
	cx, cy := (f.Box[0]+f.Box[2])/2, (f.Box[1]+f.Box[3])/2
	faces, err := m.r.detectView(cx-side/2, cy-side/2, side)
	if err != nil {
		return Face{}, err
	}
	best, bestIoU := f.Face, maxOverlap
	for _, g := range faces {
		inter := intersection(g.Box, f.Box)
		if iou := inter / (area(g.Box) + area(f.Box) - inter); iou > bestIoU {
			best, bestIoU = g, iou
		}
	}
	return best, nil
}
