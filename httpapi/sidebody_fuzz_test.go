package httpapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/proofing"
)

// FuzzSideBody: any submission side either decodes into images the side
// can hold, each named once, or is refused as the caller's fault.
func FuzzSideBody(f *testing.F) {
	for _, s := range []string{
		`{"images":{"image":"iVBORw0KGgo=","cropped":"/9j/","face":"","imageBarcode":null},"imageNames":["string"]}`,
		`{"images":["iVBORw0KGgo=","/9j/"],"imageNames":"document_front_image.png"}`,
		`{"images":[{"face":"AAAA"},null,"x"],"imageNames":"https://b/x/document_back_image.jpeg?sig=1"}`,
		`{"images":{"picture":"AAAA"}}`,
		`{"result":{},"event":{"screen_name":"s","event_name":"E"}}`,
	} {
		f.Add(s, 0)
	}
	sides := []string{proofing.SideFront, proofing.SideBack, proofing.SideSelfie}
	f.Fuzz(func(t *testing.T, body string, n int) {
		var b sideBody
		if json.Unmarshal([]byte(body), &b) != nil {
			return
		}
		side := sides[uint(n)%uint(len(sides))]
		sub, ignored, err := b.side(side)
		if err != nil {
			if idproof.ErrorCode(err) != idproof.EINVALID {
				t.Fatalf("error code %s: %v", idproof.ErrorCode(err), err)
			}
			return
		}
		seen := map[string]bool{}
		for _, in := range sub.Images {
			if seen[in.Name] {
				t.Fatalf("%s given twice", in.Name)
			}
			seen[in.Name] = true
			if proofing.CheckImageName("name", in.Name) != nil {
				t.Fatalf("unknown image %q", in.Name)
			}
		}
		for _, why := range ignored {
			if !strings.HasPrefix(why, side+".") {
				t.Fatalf("ignored entry %q does not name the side", why)
			}
		}
	})
}
