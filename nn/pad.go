package nn

import "fmt"

// Pad returns x with pads[i][0] values of v added before and pads[i][1]
// after it along each axis i. Padding the channel axis with zeros is how a
// residual shortcut is widened to match more channels.
func Pad(x *Tensor, pads [][2]int, v float32) (*Tensor, error) {
	if len(pads) != len(x.Shape) {
		return nil, fmt.Errorf("nn: %d paddings for rank %d", len(pads), len(x.Shape))
	}
	shape := make([]int, len(x.Shape))
	for i, p := range pads {
		if p[0] < 0 || p[1] < 0 {
			return nil, fmt.Errorf("nn: negative padding %v", pads)
		}
		if p[0] > maxElements || p[1] > maxElements {
			return nil, fmt.Errorf("nn: padding %v is too large", pads)
		}
		shape[i] = x.Shape[i] + p[0] + p[1]
	}
	if _, err := NumElements(shape); err != nil {
		return nil, err
	}
	out := New(shape...)
	if v != 0 {
		for i := range out.Data {
			out.Data[i] = v
		}
	}
	if len(x.Data) == 0 {
		return out, nil
	}
	// Copy the input one innermost row at a time.
	rank := len(shape)
	if rank == 0 {
		copy(out.Data, x.Data)
		return out, nil
	}
	inner := x.Shape[rank-1]
	idx := make([]int, rank-1)
	for src := 0; src < len(x.Data); src += inner {
		dst := pads[rank-1][0]
		stride := shape[rank-1]
		for d := rank - 2; d >= 0; d-- {
			dst += (idx[d] + pads[d][0]) * stride
			stride *= shape[d]
		}
		copy(out.Data[dst:dst+inner], x.Data[src:src+inner])
		for d := rank - 2; d >= 0; d-- {
			idx[d]++
			if idx[d] < x.Shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out, nil
}
