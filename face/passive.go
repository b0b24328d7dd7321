package face

import (
	"fmt"

	"github.com/idproof/idproof/face/models"
	"github.com/idproof/idproof/nn"
	"github.com/idproof/idproof/nn/tfjs"
)

// Passive holds the two presentation-attack classifiers' scores for one
// face, each 0…1, higher meaning more like a live face in front of the
// camera. They are weak evidence on their own (docs/faces.md): the
// antispoof model scores random noise higher than some real faces, and
// neither has seen the attacks it is meant to stop in this deployment.
type Passive struct {
	// Antispoof is the anti-spoofing model's sigmoid output.
	Antispoof float64 `json:"antispoof"`
	// Live is the liveness model's probability of its "live" class.
	Live float64 `json:"live"`
}

// passiveEnlarge is how much the face box is enlarged for the classifiers:
// they were trained on the face with some of the head and background
// around it.
const passiveEnlarge = 1.4

// PassiveScores runs both classifiers on f.
func (m *Image) PassiveScores(f Face) (Passive, error) {
	as, err := m.classify(f, models.Antispoof, 128, 1)
	if err != nil {
		return Passive{}, err
	}
	lv, err := m.classify(f, models.Liveness, 32, 2)
	if err != nil {
		return Passive{}, err
	}
	return Passive{Antispoof: float64(as[0]), Live: float64(lv[0])}, nil
}

// classify runs a classifier with a size×size input on the square around
// f, passiveEnlarge times its box, and returns its outputs values.
func (m *Image) classify(f Face, load func() (*tfjs.Model, error), size, outputs int) ([]float32, error) {
	model, err := load()
	if err != nil {
		return nil, err
	}
	side := passiveEnlarge * max(f.Box[2]-f.Box[0], f.Box[3]-f.Box[1])
	cx, cy := (f.Box[0]+f.Box[2])/2, (f.Box[1]+f.Box[3])/2
	x := nn.New(1, size, size, 3)
	m.r.sample(x.Data, size, squareView(cx-side/2, cy-side/2, side, size))
	for i, v := range x.Data {
		x.Data[i] = v / 255
	}
	outs, err := model.Run(x)
	if err != nil {
		return nil, err
	}
	if len(outs) != 1 || outs[0].Len() != outputs {
		return nil, fmt.Errorf("face: classifier output is not %d values", outputs)
	}
	return outs[0].Data, nil
}
