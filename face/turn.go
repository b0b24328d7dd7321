package face

import (
	"errors"
	"math"
)

// Active liveness asks the person to turn their head and films it. A head
// is not flat: as it turns, the tip of the nose, standing in front of the
// eyes, moves sideways further than they do. A photo or a screen held up
// to the camera is flat, and however it is moved, turned or tilted its
// picture changes by an affine map (nearly: perspective is slight at arm's
// length), which keeps the nose where it was relative to the eyes. So the
// measure of a turn is the nose's offset from the eyes' midpoint, along
// the line of the eyes, in eye distances (Face.Turn), and its change over
// the burst of frames.

// Turn returns how far the tip of the nose is from the midpoint of the
// eyes, measured along the line from LeftEye to RightEye and divided by
// the eye distance: about 0 for a frontal face, positive when the nose is
// towards the image's right. A similarity transform of the picture (a
// flat photo moved, turned or scaled) leaves it unchanged, and so does
// narrowing it horizontally, as a photo turned about its vertical axis is.
func (f Face) Turn() float64 {
	le, re, no := f.Keypoints[LeftEye], f.Keypoints[RightEye], f.Keypoints[Nose]
	ex, ey := re.X-le.X, re.Y-le.Y
	e2 := ex*ex + ey*ey
	if e2 == 0 {
		return 0
	}
	mx, my := (le.X+re.X)/2, (le.Y+re.Y)/2
	return ((no.X-mx)*ex + (no.Y-my)*ey) / e2
}

// TurnFrame is one frame of a head-turn burst, measured.
type TurnFrame struct {
	Face       Face
	Turn       float64
	Descriptor Descriptor
	// Repeat marks a frame that shows the same picture as an earlier one:
	// a camera never films two frames alike, so it is a replayed still.
	Repeat bool
	// Err says why the frame has no face (ErrNoFace, *ManyFacesError).
	Err error
}

// TurnMeasure is what a burst of frames shows of a head turn.
type TurnMeasure struct {
	Frames []TurnFrame
	// Faces is the number of frames with exactly one face that are not
	// repeats; only those are measured.
	Faces int
	// Right and Left are the largest movement of the nose, in eye
	// distances (Face.Turn), towards the image's right and left, from an
	// earlier frame to a later one.
	Right, Left float64
	// Step is the largest descriptor distance between consecutive measured
	// frames: small when one person is filmed throughout.
	Step float64
	// Reference is the descriptor distance from the reference face (the
	// selfie) to the most frontal measured frame, or -1 without one.
	Reference float64
	// RollSpan is how far, in degrees, the measured faces turned in the
	// picture's plane (Face.Roll), from the least to the most. A head
	// turning sideways hardly rolls; a flat picture rotated in front of
	// the camera does, and its keypoints drift as it does: past 45° the
	// nose's measured offset changes by up to 0.13 eye distances, past
	// 100° by more (docs/faces.md).
	RollSpan float64
}

// MeasureTurn finds the face in each frame, oldest first, and measures the
// movement of the nose across them. ref, when not nil, is the descriptor
// of the face the frames must show.
func MeasureTurn(frames []*Image, ref *Descriptor) (*TurnMeasure, error) {
	t := &TurnMeasure{Reference: -1}
	var measured []TurnFrame
	var shown []*Image // the images of the measured frames
	for _, img := range frames {
		fr := TurnFrame{}
		f, err := img.Single()
		var many *ManyFacesError
		switch {
		case errors.Is(err, ErrNoFace) || errors.As(err, &many):
			fr.Err = err
			t.Frames = append(t.Frames, fr)
			continue
		case err != nil:
			return nil, err
		}
		fr.Face, fr.Turn = f, f.Turn()
		for i, m := range measured {
			// Any earlier frame: stills alternated are still stills.
			fr.Repeat = fr.Repeat || same(shown[i], m.Face, img, f)
		}
		if fr.Repeat {
			t.Frames = append(t.Frames, fr)
			continue
		}
		d, err := img.Describe(f)
		if err != nil {
			return nil, err
		}
		fr.Descriptor = d[0]
		t.Frames = append(t.Frames, fr)
		measured = append(measured, fr)
		shown = append(shown, img)
	}
	t.Faces = len(measured)
	frontal := -1
	lowest, highest := math.Inf(1), math.Inf(-1)
	var minRoll, maxRoll float64
	for i, fr := range measured {
		// Rolls relative to the first frame's, so that a face lying near
		// ±180° does not seem to spin all the way round.
		r := math.Remainder(fr.Face.Roll()-measured[0].Face.Roll(), 360)
		minRoll, maxRoll = min(minRoll, r), max(maxRoll, r)
		// The largest rise (or fall) from any earlier frame.
		if i > 0 {
			t.Right = max(t.Right, fr.Turn-lowest)
			t.Left = max(t.Left, highest-fr.Turn)
			t.Step = max(t.Step, Distance(fr.Descriptor, measured[i-1].Descriptor))
		}
		lowest, highest = min(lowest, fr.Turn), max(highest, fr.Turn)
		if frontal < 0 || math.Abs(fr.Turn) < math.Abs(measured[frontal].Turn) {
			frontal = i
		}
	}
	t.RollSpan = maxRoll - minRoll
	if ref != nil && frontal >= 0 {
		t.Reference = Distance(*ref, measured[frontal].Descriptor)
	}
	return t, nil
}

// repeatLevel is the mean absolute difference, in 8-bit levels, of two
// face crops below which they are one picture: consecutive frames of a
// camera differ by its noise alone by more than that, while a still
// re-encoded as JPEG differs by less.
const repeatLevel = 0.5

// same reports whether face b in frame B is the picture of face a in
// frame A: keypoints within a tenth of a pixel and crops alike.
func same(imgA *Image, a Face, imgB *Image, b Face) bool {
	for i := range a.Keypoints {
		if dist(a.Keypoints[i], b.Keypoints[i]) > 0.1 {
			return false
		}
	}
	ca, cb := imgA.Crop(a), imgB.Crop(b)
	sum := 0
	for i := range ca.Pix {
		if i%4 == 3 {
			continue
		}
		d := int(ca.Pix[i]) - int(cb.Pix[i])
		sum += max(d, -d)
	}
	return float64(sum)/float64(3*DescriptorInput*DescriptorInput) < repeatLevel
}

// Roll returns the angle of the line from LeftEye to RightEye, in degrees,
// counter-clockwise as seen: about 0 for an upright face, ±90 for one
// lying on its side. Past about 120° the keypoints go wrong, and upside
// down the detector reports an upright-looking face (docs/faces.md).
func (f Face) Roll() float64 {
	le, re := f.Keypoints[LeftEye], f.Keypoints[RightEye]
	return -math.Atan2(re.Y-le.Y, re.X-le.X) * 180 / math.Pi
}
