package face

import "fmt"

// Threshold is the descriptor distance below which two faces are taken to
// be one person's. face-api and dlib suggest 0.6; on the photos measured
// (docs/faces.md) two different people came as close as 0.568, and 3 of
// 58 pairs of different people were under 0.6, while photos of one person,
// printed on a card or not, were at most 0.470 apart. 0.5 lies between,
// nearer the pairs of one person: a false match is the costlier mistake.
const Threshold = 0.5

// MinDescribeWidth is the least face width, in pixels, whose descriptor is
// trusted: on faces shrunk below it, different people come closer (0.66 at
// 20 pixels against 0.77 and more from 36 up) and photos of one person
// drift apart (0.58 at 20 pixels), so a match means less.
const MinDescribeWidth = 40

// Comparison is the outcome of comparing the faces of two images.
type Comparison struct {
	A, B     Face
	Distance float64
}

// Match reports whether the distance is below threshold.
func (c *Comparison) Match(threshold float64) bool { return c.Distance < threshold }

// Compare finds the one face in each image (see Single) and measures the
// distance between their descriptors; the two images are worked on side by
// side. The error says which image had no face, or several.
func Compare(a, b *Image) (*Comparison, error) {
	type side struct {
		f   Face
		d   Descriptor
		err error
	}
	one := func(m *Image, which string) (s side) {
		if s.f, s.err = m.Single(); s.err != nil {
			s.err = fmt.Errorf("%s image: %w", which, s.err)
			return s
		}
		d, err := m.Describe(s.f)
		if err != nil {
			s.err = err
			return s
		}
		s.d = d[0]
		return s
	}
	second := make(chan side, 1)
	go func() { second <- one(b, "second") }()
	sa, sb := one(a, "first"), <-second
	if sa.err != nil {
		return nil, sa.err
	}
	if sb.err != nil {
		return nil, sb.err
	}
	return &Comparison{A: sa.f, B: sb.f, Distance: Distance(sa.d, sb.d)}, nil
}
