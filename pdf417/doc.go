// Package pdf417 reads PDF417 symbols (ISO/IEC 15438), the stacked barcode
// on the back of North American driver licences, from photographs.
//
// Reading goes in four steps:
//
//   - locate: scanlines in four directions look for the start and stop
//     patterns, which every row repeats at the same place and which
//     therefore form two straight edges at any rotation; the two longest
//     edges that face each other frame the symbol (locate.go);
//   - sample: lines drawn from the start edge to the stop edge are cut
//     into 17-module symbol characters, each read through the cluster
//     tables; the row indicators give each line its row, and the rows'
//     clusters keep a slanted line's characters in the right row
//     (sample.go);
//   - correct: Reed–Solomon over GF(929), errors and erasures, every
//     security level (rs.go);
//   - decode: text, byte and numeric compaction, ECI and macro PDF417
//     control blocks (decode.go).
//
// Work is bounded whatever the input: the number of scanlines, of lines
// sampled across a symbol and of candidate symbols tried are capped.
package pdf417

//go:generate go run gentable.go
