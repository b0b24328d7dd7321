package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/internal/lenient"
	"github.com/idproof/idproof/proofing"
)

// imageFields are the keys of a side's images, in the order the API
// document lists them. When two of them name the same stored image (a
// selfie's image, cropped and face), the first one given is kept.
var imageFields = []string{"image", "cropped", "face", "imageBarcode"}

// sideBody is one side of a submission, in any of the document's forms:
// images inline (an object of base64 strings, or an array of them in the
// order of imageFields) and/or imageNames (uploaded objects: a list or one
// name, each a bare name, a name with its extension, or the presigned URL).
type sideBody struct {
	Result     json.RawMessage `json:"result"`
	Images     sideImages      `json:"images"`
	ImageNames lenient.Strings `json:"imageNames"`
	Event      *struct {
		ScreenName string `json:"screen_name"`
		EventName  string `json:"event_name"`
	} `json:"event"`
}

// sideImages is the images of a side by field, decoded as the body is
// read so that the body's base64 is never copied; empty values are
// dropped.
type sideImages map[string]inline

func (m *sideImages) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	out := sideImages{}
	switch {
	case bytes.Equal(b, []byte("null")):
	case len(b) > 0 && b[0] == '[':
		items, _ := elements(b)
		for i, it := range items {
			if err := out.addItem(i, it); err != nil {
				return err
			}
		}
	default:
		if err := out.addObject(b, true); err != nil {
			return err
		}
	}
	*m = out
	return nil
}

// addObject merges an object of base64 strings (or nulls) into m; an
// existing field is kept unless replace.
func (m sideImages) addObject(b []byte, replace bool) error {
	obj, ok := members(b, len(b))
	if !ok {
		return fmt.Errorf("images must be an object or an array")
	}
	for k, v := range obj {
		if bytes.Equal(v, []byte("null")) {
			continue
		}
		in, ok := decodeInline(v)
		if !ok {
			return fmt.Errorf("images.%s must be a base64 string", k)
		}
		if _, dup := m[k]; len(v) > 2 && (replace || !dup) {
			m[k] = in
		}
	}
	return nil
}

// addItem reads the i-th entry of an images array: a base64 string stands
// for imageFields[i]; an object is merged by its keys.
func (m sideImages) addItem(i int, it []byte) error {
	switch {
	case len(it) > 0 && it[0] == '{':
		return m.addObject(it, false)
	case len(it) > 0 && it[0] == '"':
		if i >= len(imageFields) {
			return fmt.Errorf("images has more than %d entries (%s)", len(imageFields), strings.Join(imageFields, ", "))
		}
		in, _ := decodeInline(it)
		if len(it) > 2 {
			m[imageFields[i]] = in
		}
	case bytes.Equal(it, []byte("null")):
	default:
		return fmt.Errorf("images[%d] must be a base64 string or an object", i)
	}
	return nil
}

// side converts a body side into the engine's submission. ignored lists
// the images given that the side has no place for, or whose place an
// earlier field already filled, with the reason.
func (b *sideBody) side(side string) (sub proofing.SideSubmission, ignored []string, err error) {
	sub = proofing.SideSubmission{Side: side, Result: b.Result}
	if string(b.Result) == "null" {
		sub.Result = nil
	}
	for field := range b.Images {
		if !containsValue(imageFields, field) {
			return sub, nil, errorf(idproof.EINVALID, "%s.images.%s is not one of %s", side, field, strings.Join(imageFields, ", "))
		}
	}
	given := map[string]string{} // stored image name -> the field that gave it
	for _, field := range imageFields {
		v, ok := b.Images[field]
		if !ok {
			continue
		}
		at := side + ".images." + field
		name, err := proofing.ImageSlot(side, field)
		if err != nil {
			ignored = append(ignored, at+": this side has no such image")
			continue
		}
		if by, dup := given[name]; dup {
			ignored = append(ignored, at+": "+name+" is already given by "+by)
			continue
		}
		data, err := v.use(at)
		if err != nil {
			return sub, nil, err
		}
		given[name] = at
		sub.Images = append(sub.Images, proofing.ImageInput{Name: name, Inline: data})
	}
	for i, n := range b.ImageNames {
		at := fmt.Sprintf("%s.imageNames[%d]", side, i)
		n = imageName(n)
		if err := proofing.CheckImageName(at, n); err != nil {
			return sub, nil, err
		}
		if by, dup := given[n]; dup {
			ignored = append(ignored, at+": "+n+" is already given by "+by)
			continue
		}
		given[n] = at
		sub.Images = append(sub.Images, proofing.ImageInput{Name: n, Upload: n})
	}
	if b.Event != nil && b.Event.EventName != "" {
		sub.ScreenEvt = &proofing.Event{Name: b.Event.EventName, ScreenName: b.Event.ScreenName}
	}
	return sub, ignored, nil
}

// imageName reads an imageNames entry: a bare image name, the name with
// its extension ("document_front_image.png"), or the presigned URL the
// name was uploaded to. The result is checked by the caller.
func imageName(v string) string {
	v = strings.TrimSpace(v)
	if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Path != "" {
		v = path.Base(u.Path)
	}
	for _, ext := range []string{".png", ".jpeg", ".jpg", ".webp"} {
		if n, ok := strings.CutSuffix(v, ext); ok {
			return n
		}
	}
	return v
}
