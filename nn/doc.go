// Package nn is a small float32 tensor runtime for running trained
// convolutional networks on the CPU, in pure Go.
//
// Tensors are dense and row-major; image tensors are laid out NHWC (batch,
// height, width, channels), the layout TensorFlow models are trained in, so
// that weights load without transposition. The kernels are the ones small
// vision models need: 2-D convolution (im2col and a register-blocked matrix
// multiply, with the bias and activation fused in), depthwise convolution,
// max and average pooling, padding, element-wise arithmetic with broadcasting,
// fully connected layers, softmax, sigmoid, bilinear resizing and reductions.
//
// Work is spread over at most GOMAXPROCS goroutines; large scratch buffers
// are pooled. The package knows nothing of what the networks compute:
// subpackage tfjs loads and runs TensorFlow.js graph models on these kernels.
package nn
