package models

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/idproof/idproof/nn"
)

// BlazeFaceSize is the side of BlazeFace's square input, in pixels.
const BlazeFaceSize = 256

// The keypoints BlazeFace locates, in the order of Detection.Keypoints.
// "Left" and "right" are as seen in the image: LeftEye is the eye with the
// smaller x in an upright, unmirrored photo (the subject's right eye).
const (
	LeftEye = iota
	RightEye
	Nose
	Mouth
	LeftEar
	RightEar
	NumKeypoints
)

// Detection is one decoded BlazeFace anchor, in the pixel coordinates of
// the model's 256×256 input. For an image padded to a side×side square
// with padX columns on the left and padY rows on top, a point (x, y) is at
// (x·side/256 − padX, y·side/256 − padY) in the original image.
type Detection struct {
	Score     float32                  // sigmoid of the logit, 0…1
	Box       [4]float32               // x0, y0, x1, y1
	Keypoints [NumKeypoints][2]float32 // x, y
}

// blazeAnchors are the anchor centres, in input pixels: a 16×16 grid of
// stride 16 with 2 anchors per cell, then an 8×8 grid of stride 32 with 6,
// 896 in all, in the order of the model's output rows. BlazeFace's anchors
// have a fixed unit size, so only the centres matter.
var blazeAnchors = func() [][2]float32 {
	var a [][2]float32
	for _, g := range []struct{ stride, perCell int }{{16, 2}, {32, 6}} {
		cells := BlazeFaceSize / g.stride
		for y := 0; y < cells; y++ {
			for x := 0; x < cells; x++ {
				for range g.perCell {
					a = append(a, [2]float32{float32(g.stride) * (float32(x) + 0.5), float32(g.stride) * (float32(y) + 0.5)})
				}
			}
		}
	}
	return a
}()

// DecodeBlazeFace turns the outputs of BlazeFace (in the model's output
// order: Identity [1,512,1] and Identity_1 [1,384,1] logits, Identity_2
// [1,512,16] and Identity_3 [1,384,16] regressions) into one Detection per
// anchor, 896 in all. Each regression row is a box centre offset (x, y)
// from the anchor, the box width and height, then six keypoint offsets
// (x, y) from the anchor, all in input pixels.
func DecodeBlazeFace(outputs []*nn.Tensor) ([]Detection, error) {
	if len(outputs) != 4 {
		return nil, fmt.Errorf("models: BlazeFace has 4 outputs, got %d", len(outputs))
	}
	want := [][]int{{1, 512, 1}, {1, 384, 1}, {1, 512, 16}, {1, 384, 16}}
	for i, o := range outputs {
		if o == nil || !nn.SameShape(o.Shape, want[i]) {
			return nil, fmt.Errorf("models: BlazeFace output %d is not shaped %v", i, want[i])
		}
	}
	logits := append(slices.Clone(outputs[0].Data), outputs[1].Data...)
	regs := append(slices.Clone(outputs[2].Data), outputs[3].Data...)
	dets := make([]Detection, len(blazeAnchors))
	for i, a := range blazeAnchors {
		r := regs[16*i : 16*i+16]
		cx, cy, w, h := a[0]+r[0], a[1]+r[1], r[2], r[3]
		d := &dets[i]
		d.Score = float32(1 / (1 + math.Exp(-float64(logits[i]))))
		d.Box = [4]float32{cx - w/2, cy - h/2, cx + w/2, cy + h/2}
		for k := range NumKeypoints {
			d.Keypoints[k] = [2]float32{a[0] + r[4+2*k], a[1] + r[5+2*k]}
		}
	}
	return dets, nil
}

// NonMaxSuppression keeps the detections scoring at least minScore,
// greedily from the highest score down, dropping any whose box overlaps an
// already kept one with an intersection over union above maxIoU. The kept
// detections are returned by decreasing score.
func NonMaxSuppression(dets []Detection, minScore, maxIoU float32) []Detection {
	var cand []Detection
	for _, d := range dets {
		if d.Score >= minScore {
			cand = append(cand, d)
		}
	}
	slices.SortStableFunc(cand, func(a, b Detection) int { return cmp.Compare(b.Score, a.Score) })
	var kept []Detection
	for _, c := range cand {
		ok := true
		for _, k := range kept {
			if iou(c.Box, k.Box) > maxIoU {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, c)
		}
	}
	return kept
}

// iou returns the intersection over union of two boxes (x0, y0, x1, y1).
func iou(a, b [4]float32) float32 {
	iw := min(a[2], b[2]) - max(a[0], b[0])
	ih := min(a[3], b[3]) - max(a[1], b[1])
	if iw <= 0 || ih <= 0 {
		return 0
	}
	inter := iw * ih
	union := (a[2]-a[0])*(a[3]-a[1]) + (b[2]-b[0])*(b[3]-b[1]) - inter
	if union <= 0 {
		return 0
	}
	return inter / union
}
