// The layers `qedge quantize` can quantize: Conv, MatMul and Gemm nodes of the main graph whose weight (second
// input) is constant: an initializer, or computed from initializers only (a Constant node, or an older PyTorch
// export's Transpose of the weight). Computed weights get their values from running the float model.
#pragma once

#include <string>
#include <vector>

#include "onnx/onnx_pb.h"
#include "qedge/kernel_api/shape.h"

namespace qedge::cli::quantize {

struct Layer {
  std::string name;        // the node's name, or its first output's name when the node has none
  std::string op;          // "Conv", "MatMul" or "Gemm"
  int node_index = 0;      // position in graph.node
  std::string activation;  // the input that gets an activation quantizer
  int activation_input = 0;
  std::string weight;      // the constant that gets a weight quantizer
  int weight_input = 1;
  bool weight_is_initializer = true;
  bool trans_b = false;    // Gemm's transB
  std::string output;      // the node's first output (compared float vs quantized)
};

// Layers in node order. Conv/MatMul/Gemm nodes whose weight is not constant, whose initializer weight is not
// float32, or whose activation is itself constant (nothing to calibrate) are left alone; `skipped` gets one
// line for each, saying why.
std::vector<Layer> find_layers(const onnx::GraphProto& graph, std::vector<std::string>* skipped);

// The weight's output-channel axis for a weight of `rank` (Conv: 0; MatMul [..., K, N]: the last; Gemm: 0 with
// transB, else 1); -1 when there is none (a 1-D MatMul weight).
int channel_axis(const Layer& layer, int rank);

// The shape a per-channel scale needs to broadcast against the weight: 1 everywhere except the channel axis.
Dims channel_scale_shape(const Layer& layer, const Dims& weight_shape);

}  // namespace qedge::cli::quantize
