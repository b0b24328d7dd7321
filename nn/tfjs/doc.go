// Package tfjs loads TensorFlow.js graph models (a model.json with its
// binary weight shards) and runs them on the kernels of package nn.
//
// A model.json holds a GraphDef (modelTopology.node: each node's op, inputs
// and attributes) and a weights manifest (weightsManifest: groups of shard
// files and, for each weight, its name, shape, dtype and optional
// quantization). Weights may be float32 or int32, or float32 stored
// quantized as uint8 or uint16 (value = q·scale + min) or as float16; they
// are decoded as TF.js decodes them, so the arithmetic starts from the same
// float32 values.
//
// Only the ops that the models this project ships use are implemented:
//
//	Placeholder, Const, Identity
//	_FusedConv2D (fused BiasAdd, optionally followed by Relu)
//	DepthwiseConv2dNative
//	_FusedMatMul (fused BiasAdd, optionally followed by Relu)
//	Add, AddV2, Mul (with broadcasting)
//	Relu, Sigmoid, Softmax
//	MaxPool, Pad, Reshape
//
// A model that uses any other op, or an attribute value these
// implementations do not handle (dilations, EXPLICIT padding, NCHW layout,
// transposed matrix multiplies...), is refused when it is loaded, with an
// error that names the node. Model files are treated as untrusted input:
// malformed JSON, inconsistent shapes, short or oversized weight data,
// dangling or cyclic inputs are errors, never panics.
package tfjs
