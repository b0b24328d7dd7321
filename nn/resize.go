package nn

import (
	"fmt"
	"math"
)

// ResizeBilinear resizes the images of x (NHWC) to outH×outW by bilinear
// interpolation with TensorFlow's default geometry (align_corners and
// half_pixel_centers both false: output pixel i samples input position
// i·in/out). It reproduces TF.js's tf.image.resizeBilinear, arithmetic
// included, so that a pipeline fed through it sees the same pixels a model
// was evaluated on there.
func ResizeBilinear(x *Tensor, outH, outW int) (*Tensor, error) {
	n, h, w, c, err := dims4(x, "resize")
	if err != nil {
		return nil, err
	}
	if _, err := NumElements([]int{n, outH, outW, c}); err != nil || outH < 1 || outW < 1 || h < 1 || w < 1 {
		return nil, fmt.Errorf("nn: cannot resize %v to %d×%d", x.Shape, outH, outW)
	}
	out := New(n, outH, outW, c)
	ry := float64(h) / float64(outH)
	rx := float64(w) / float64(outW)
	parallelFor(n*outH, 1+8192/(outW*c+1), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			b, oy := r/outH, r%outH
			img := x.Data[b*h*w*c : (b+1)*h*w*c]
			fy := ry * float64(oy)
			y0 := int(math.Floor(fy))
			y1 := min(h-1, int(math.Ceil(fy)))
			dy := fy - float64(y0)
			for ox := 0; ox < outW; ox++ {
				fx := rx * float64(ox)
				x0 := int(math.Floor(fx))
				x1 := min(w-1, int(math.Ceil(fx)))
				dx := fx - float64(x0)
				dst := out.Data[(r*outW+ox)*c : (r*outW+ox+1)*c]
				tl := img[(y0*w+x0)*c:]
				tr := img[(y0*w+x1)*c:]
				bl := img[(y1*w+x0)*c:]
				br := img[(y1*w+x1)*c:]
				for i := range dst {
					// The explicit conversions keep each product rounded on
					// its own, as in JavaScript, even where the compiler
					// could fuse a multiply and an add.
					top := float64(tl[i]) + float64((float64(tr[i])-float64(tl[i]))*dx)
					bot := float64(bl[i]) + float64((float64(br[i])-float64(bl[i]))*dx)
					dst[i] = float32(top + float64((bot-top)*dy))
				}
			}
		}
	})
	return out, nil
}
