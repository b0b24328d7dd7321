package face

// The face descriptor: a ResNet in the style of dlib's face recognition
// network, with the weights published with face-api (face_recognition_model,
// embedded by package face/models). It maps a 150×150 face crop to a
// 128-dimensional descriptor; crops of the same person give descriptors at
// a small Euclidean distance (face-api's usual threshold is 0.6).
//
// The architecture is code, not a graph file, so it is written here against
// package nn's kernels:
//
//	input 150×150×3, (x − [122.782, 117.001, 104.298]) / 255
//	conv 7×7/2 valid, 32 → 72×72, then 3×3/2 valid max pool → 35×35
//	3 residual blocks of 32, then a down-sampling block and 3 blocks of 64,
//	a down block and 2 blocks of 128, a down block and 2 blocks of 256,
//	one more down block of 256 → 2×2×256
//	mean over the 2×2 positions, fully connected 256 → 128
//
// Every convolution is followed by a bias and a per-channel scale and shift
// (folded into the convolution's weights here) and, except the second of
// each block, a ReLU. A block adds its input to its output, then applies a
// ReLU; a down-sampling block's first convolution is 3×3/2 valid, and its
// shortcut is a 2×2/2 average pool of the input with zero channels appended
// to match the wider output and, where the convolution's output is a row
// and a column smaller than the pool's (odd sizes), a zero row and column
// appended to the output.

import (
	"fmt"
	"image"
	"sync"

	"github.com/idproof/idproof/face/models"
	"github.com/idproof/idproof/nn"
	"github.com/idproof/idproof/nn/tfjs"
)

const (
	// DescriptorSize is the length of a face descriptor.
	DescriptorSize = 128
	// DescriptorInput is the side, in pixels, of the square face crop the
	// descriptor network reads.
	DescriptorInput = 150
)

// Descriptor is a face descriptor computed by the ResNet.
type Descriptor [DescriptorSize]float32

// meanRGB is subtracted from each channel before scaling by 1/255.
var meanRGB = [3]float32{122.782, 117.001, 104.298}

// ResNet is the face-descriptor network with its weights loaded. It is safe
// for concurrent use.
type ResNet struct {
	stem   *nn.Conv2D
	blocks []resBlock
	fc     *nn.Dense
}

// resBlock is a residual block; down marks a down-sampling one.
type resBlock struct {
	conv1, conv2 *nn.Conv2D
	down         bool
}

var sharedResNet = sync.OnceValues(func() (*ResNet, error) {
	w, err := models.FaceRecognitionWeights()
	if err != nil {
		return nil, err
	}
	return NewResNet(w)
})

// LoadResNet returns the descriptor network built from the embedded
// weights, loading them on first use and sharing them afterwards.
func LoadResNet() (*ResNet, error) { return sharedResNet() }

// NewResNet builds the network from face-api's weight map (names such as
// "conv32_down/conv/filters" and "fc"), checking every shape.
func NewResNet(weights map[string]*tfjs.Weight) (*ResNet, error) {
	r := &ResNet{}
	var err error
	if r.stem, err = scaledConv(weights, "conv32_down", 7, 3, 32, 2, nn.Valid, nn.ReLU); err != nil {
		return nil, err
	}
	stages := []struct {
		prefix   string
		in, out  int
		count    int
		downward bool
	}{
		{"conv32", 32, 32, 3, false},
		{"conv64", 32, 64, 3, true},
		{"conv128", 64, 128, 2, true},
		{"conv256", 128, 256, 2, true},
	}
	for _, s := range stages {
		if s.downward {
			b, err := newBlock(weights, s.prefix+"_down", s.in, s.out, true)
			if err != nil {
				return nil, err
			}
			r.blocks = append(r.blocks, b)
		}
		for i := 1; i <= s.count; i++ {
			b, err := newBlock(weights, fmt.Sprintf("%s_%d", s.prefix, i), s.out, s.out, false)
			if err != nil {
				return nil, err
			}
			r.blocks = append(r.blocks, b)
		}
	}
	b, err := newBlock(weights, "conv256_down_out", 256, 256, true)
	if err != nil {
		return nil, err
	}
	r.blocks = append(r.blocks, b)
	fc, err := weight(weights, "fc", 256, DescriptorSize)
	if err != nil {
		return nil, err
	}
	if r.fc, err = nn.NewDense(fc, nil, nn.Linear); err != nil {
		return nil, err
	}
	return r, nil
}

func newBlock(weights map[string]*tfjs.Weight, prefix string, in, out int, down bool) (resBlock, error) {
	stride, pad := 1, nn.Same
	if down {
		stride, pad = 2, nn.Valid
	}
	c1, err := scaledConv(weights, prefix+"/conv1", 3, in, out, stride, pad, nn.ReLU)
	if err != nil {
		return resBlock{}, err
	}
	c2, err := scaledConv(weights, prefix+"/conv2", 3, out, out, 1, nn.Same, nn.Linear)
	if err != nil {
		return resBlock{}, err
	}
	return resBlock{conv1: c1, conv2: c2, down: down}, nil
}

// scaledConv builds the convolution at prefix with its scale layer folded
// in: (conv(x)+bias)·s + t = conv'(x) + (bias·s + t), where conv' has each
// output channel's filter multiplied by s.
func scaledConv(weights map[string]*tfjs.Weight, prefix string, k, in, out, stride int, pad nn.Padding, act nn.Activation) (*nn.Conv2D, error) {
	f, err := weight(weights, prefix+"/conv/filters", k, k, in, out)
	if err != nil {
		return nil, err
	}
	bias, err := weight(weights, prefix+"/conv/bias", out)
	if err != nil {
		return nil, err
	}
	s, err := weight(weights, prefix+"/scale/weights", out)
	if err != nil {
		return nil, err
	}
	t, err := weight(weights, prefix+"/scale/biases", out)
	if err != nil {
		return nil, err
	}
	folded := f.Clone()
	for i := range folded.Data {
		folded.Data[i] *= s.Data[i%out]
	}
	b := make([]float32, out)
	for o := range b {
		b[o] = bias.Data[o]*s.Data[o] + t.Data[o]
	}
	return nn.NewConv2D(folded, b, stride, stride, pad, act)
}

// weight returns the named float32 weight, checking its shape.
func weight(weights map[string]*tfjs.Weight, name string, shape ...int) (*nn.Tensor, error) {
	w, ok := weights[name]
	if !ok {
		return nil, fmt.Errorf("face: descriptor weight %q is missing", name)
	}
	if !nn.SameShape(w.Shape, shape) {
		return nil, fmt.Errorf("face: descriptor weight %q has shape %v, want %v", name, w.Shape, shape)
	}
	return w.Tensor()
}

// Describe returns the descriptors of a batch of face crops, x of shape
// [n, 150, 150, 3] holding RGB values in 0…255 (not normalised: Describe
// subtracts the mean colour and scales).
func (r *ResNet) Describe(x *nn.Tensor) ([]Descriptor, error) {
	if x == nil || len(x.Shape) != 4 || x.Shape[1] != DescriptorInput || x.Shape[2] != DescriptorInput || x.Shape[3] != 3 {
		return nil, fmt.Errorf("face: descriptor input must be [n, %d, %d, 3]", DescriptorInput, DescriptorInput)
	}
	in := x.Clone()
	for i := range in.Data {
		in.Data[i] = (in.Data[i] - meanRGB[i%3]) / 255
	}
	out, err := r.stem.Forward(in)
	if err != nil {
		return nil, err
	}
	if out, err = nn.MaxPool(out, 3, 3, 2, 2, nn.Valid); err != nil {
		return nil, err
	}
	for i, b := range r.blocks {
		if out, err = b.forward(out); err != nil {
			return nil, fmt.Errorf("face: descriptor block %d: %w", i, err)
		}
	}
	mean, err := nn.MeanHW(out)
	if err != nil {
		return nil, err
	}
	fc, err := r.fc.Forward(mean)
	if err != nil {
		return nil, err
	}
	d := make([]Descriptor, x.Shape[0])
	for i := range d {
		copy(d[i][:], fc.Data[i*DescriptorSize:])
	}
	return d, nil
}

func (b *resBlock) forward(x *nn.Tensor) (*nn.Tensor, error) {
	out, err := b.conv1.Forward(x)
	if err != nil {
		return nil, err
	}
	if out, err = b.conv2.Forward(out); err != nil {
		return nil, err
	}
	short := x
	if b.down {
		if short, err = nn.AvgPool(x, 2, 2, 2, 2, nn.Valid); err != nil {
			return nil, err
		}
		if dh, dw := short.Shape[1]-out.Shape[1], short.Shape[2]-out.Shape[2]; dh != 0 || dw != 0 {
			if out, err = nn.Pad(out, [][2]int{{0, 0}, {0, dh}, {0, dw}, {0, 0}}, 0); err != nil {
				return nil, err
			}
		}
		if dc := out.Shape[3] - short.Shape[3]; dc != 0 {
			if short, err = nn.Pad(short, [][2]int{{0, 0}, {0, 0}, {0, 0}, {0, dc}}, 0); err != nil {
				return nil, err
			}
		}
	}
	if err := nn.BinaryInPlace(nn.OpAdd, out, short); err != nil {
		return nil, err
	}
	nn.UnaryInPlace(nn.OpRelu, out)
	return out, nil
}

// DescribeImage returns the descriptor of one 150×150 face crop; colours
// are read as 8-bit alpha-premultiplied RGB, as image.Image's RGBA method
// gives them.
func (r *ResNet) DescribeImage(crop image.Image) (Descriptor, error) {
	b := crop.Bounds()
	if b.Dx() != DescriptorInput || b.Dy() != DescriptorInput {
		return Descriptor{}, fmt.Errorf("face: descriptor crop is %dx%d, want %dx%d", b.Dx(), b.Dy(), DescriptorInput, DescriptorInput)
	}
	x := nn.New(1, DescriptorInput, DescriptorInput, 3)
	for y := 0; y < DescriptorInput; y++ {
		row := x.Data[y*DescriptorInput*3 : (y+1)*DescriptorInput*3]
		// RGBA images (what image/draw produces) are read directly; other
		// types through the colour model, which allocates per pixel.
		if m, ok := crop.(*image.RGBA); ok {
			pix := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for xx := 0; xx < DescriptorInput; xx++ {
				row[3*xx], row[3*xx+1], row[3*xx+2] = float32(pix[4*xx]), float32(pix[4*xx+1]), float32(pix[4*xx+2])
			}
			continue
		}
		for xx := 0; xx < DescriptorInput; xx++ {
			cr, cg, cb, _ := crop.At(b.Min.X+xx, b.Min.Y+y).RGBA()
			row[3*xx], row[3*xx+1], row[3*xx+2] = float32(cr>>8), float32(cg>>8), float32(cb>>8)
		}
	}
	d, err := r.Describe(x)
	if err != nil {
		return Descriptor{}, err
	}
	return d[0], nil
}

// Describe returns the descriptor of a 150×150 face crop with the embedded
// network. The crop's geometry (which box, how aligned) is the caller's.
func Describe(crop image.Image) (Descriptor, error) {
	r, err := LoadResNet()
	if err != nil {
		return Descriptor{}, err
	}
	return r.DescribeImage(crop)
}
