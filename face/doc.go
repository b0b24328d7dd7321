// Package face finds faces in photos, compares them and measures what
// tells a live person from a picture of one, with the models of package
// face/models run in pure Go by package nn. It knows nothing of sessions
// or HTTP; the built-in verifier (connector/native) decides with it.
//
// A photo is read once into an Image (Decode applies a JPEG's EXIF
// orientation and flattens transparency; NewImage takes a decoded image as
// it is). Then:
//
//   - Detect and Single find faces with BlazeFace, whose input is a
//     256-pixel square: a whole photo is one view, and smaller faces are
//     looked for in overlapping tiles, each resampled to 256 pixels, down
//     to faces about 40 pixels wide in a 12-megapixel photo. Single wants
//     exactly one face (others under Companion times its width do not
//     count) and stops as soon as smaller faces cannot matter.
//   - Describe cuts each face out as the descriptor network wants it,
//     placed by the eyes and the mouth and turned so the eyes are level,
//     and returns 128-number descriptors; Distance between two is small
//     for one person, below Threshold. Compare does it all for two photos.
//   - PassiveScores runs two presentation-attack classifiers, weak
//     evidence that can only add doubt.
//   - Face.Turn and MeasureTurn measure a head turn across a burst of
//     frames: the nose moves relative to the eyes when a head turns, and
//     does not when a flat picture is moved.
//
// docs/faces.md has the measurements the thresholds come from.
package face
