// The layers `qedge quantize` can quantize: Conv, MatMul and Gemm nodes of the main graph whose weight is a
// float32 initializer.
#pragma once

#include <string>
#include <vector>

#include "onnx/onnx_pb.h"

namespace qedge::cli::quantize {

struct Layer {
  std::string name;        // the node's name, or its first output's name when the node has none
  std::string op;          // "Conv", "MatMul" or "Gemm"
  int node_index = 0;      // position in graph.node
  std::string activation;  // the input that gets an activation quantizer
  int activation_input = 0;
  std::string weight;      // the initializer that gets a weight quantizer
  int weight_input = 1;
  std::string output;      // the node's first output (compared float vs quantized)
  std::vector<int64_t> weight_shape;
  int channel_axis = -1;   // the weight's output-channel axis; -1 when the weight has none (1-D MatMul weight)
};

// Layers in node order. Nodes whose weight is not a float32 initializer, or whose activation is itself an
// initializer (nothing to calibrate), are left alone.
std::vector<Layer> find_layers(const onnx::GraphProto& graph);

// The shape a per-channel scale needs to broadcast against the weight: 1 everywhere except the channel axis.
std::vector<int64_t> channel_scale_shape(const Layer& layer);

}  // namespace qedge::cli::quantize
