#include "quantize/layers.h"

#include <map>

namespace qedge::cli::quantize {
namespace {

int64_t int_attr(const onnx::NodeProto& n, const std::string& name, int64_t def) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return a.i();
  }
  return def;
}

}  // namespace

std::vector<Layer> find_layers(const onnx::GraphProto& graph) {
  std::map<std::string, const onnx::TensorProto*> initializers;
  for (const auto& t : graph.initializer()) initializers[t.name()] = &t;
  std::vector<Layer> layers;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& n = graph.node(i);
    const bool known_domain = n.domain().empty() || n.domain() == "ai.onnx";
    if (!known_domain || (n.op_type() != "Conv" && n.op_type() != "MatMul" && n.op_type() != "Gemm")) continue;
    if (n.input_size() < 2 || n.output_size() < 1 || n.output(0).empty()) continue;
    auto w = initializers.find(n.input(1));
    if (w == initializers.end() || w->second->data_type() != onnx::TensorProto::FLOAT) continue;
    if (initializers.count(n.input(0))) continue;
    Layer l;
    l.name = n.name().empty() ? n.output(0) : n.name();
    l.op = n.op_type();
    l.node_index = i;
    l.activation = n.input(0);
    l.weight = n.input(1);
    l.output = n.output(0);
    l.weight_shape.assign(w->second->dims().begin(), w->second->dims().end());
    const int rank = static_cast<int>(l.weight_shape.size());
    if (l.op == "Conv") {
      l.channel_axis = rank >= 1 ? 0 : -1;
    } else if (l.op == "Gemm") {
      l.channel_axis = rank == 2 ? (int_attr(n, "transB", 0) ? 0 : 1) : -1;
    } else {
      l.channel_axis = rank >= 2 ? rank - 1 : -1;  // MatMul: [..., K, N], N is the output feature
    }
    layers.push_back(std::move(l));
  }
  return layers;
}

std::vector<int64_t> channel_scale_shape(const Layer& layer) {
  std::vector<int64_t> shape(layer.weight_shape.size(), 1);
  if (layer.channel_axis >= 0) shape[layer.channel_axis] = layer.weight_shape[layer.channel_axis];
  return shape;
}

}  // namespace qedge::cli::quantize
