#include "quantize/layers.h"

#include <map>
#include <set>

namespace qedge::cli::quantize {
namespace {

int64_t int_attr(const onnx::NodeProto& n, const std::string& name, int64_t def) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return a.i();
  }
  return def;
}

bool is_default_domain(const onnx::NodeProto& n) { return n.domain().empty() || n.domain() == "ai.onnx"; }

// Random generators have constant inputs (or none) but are not constants.
bool is_random(const onnx::NodeProto& n) {
  static const std::set<std::string> kRandom = {"RandomNormal", "RandomUniform", "RandomNormalLike",
                                                "RandomUniformLike", "Multinomial", "Bernoulli"};
  return is_default_domain(n) && kRandom.count(n.op_type()) > 0;
}

// Names of every tensor computed from initializers alone (the initializers included).
std::set<std::string> constant_tensors(const onnx::GraphProto& graph) {
  std::set<std::string> constants;
  for (const auto& t : graph.initializer()) constants.insert(t.name());
  for (const auto& n : graph.node()) {
    bool constant = !is_random(n);
    for (const auto& a : n.attribute()) constant &= a.type() != onnx::AttributeProto::GRAPH;
    for (const auto& in : n.input()) constant &= in.empty() || constants.count(in) > 0;
    if (n.input_size() == 0) constant &= is_default_domain(n) && n.op_type() == "Constant";
    if (!constant) continue;
    for (const auto& out : n.output()) constants.insert(out);
  }
  return constants;
}

}  // namespace

std::vector<Layer> find_layers(const onnx::GraphProto& graph, std::vector<std::string>* skipped) {
  std::map<std::string, const onnx::TensorProto*> initializers;
  for (const auto& t : graph.initializer()) initializers[t.name()] = &t;
  const std::set<std::string> constants = constant_tensors(graph);
  std::vector<Layer> layers;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& n = graph.node(i);
    if (!is_default_domain(n) || (n.op_type() != "Conv" && n.op_type() != "MatMul" && n.op_type() != "Gemm")) continue;
    if (n.input_size() < 2 || n.output_size() < 1 || n.output(0).empty()) continue;
    const std::string name = n.name().empty() ? n.output(0) : n.name();
    auto why_float = [&](const std::string& why) { skipped->push_back(n.op_type() + " '" + name + "' stays float: " + why); };
    if (!constants.count(n.input(1))) {
      why_float("its weight '" + n.input(1) + "' is not a constant");
      continue;
    }
    auto init = initializers.find(n.input(1));
    if (init != initializers.end() && init->second->data_type() != onnx::TensorProto::FLOAT) {
      why_float("its weight '" + n.input(1) + "' is not float32");
      continue;
    }
    if (constants.count(n.input(0))) {
      why_float("its input '" + n.input(0) + "' is a constant too");
      continue;
    }
    Layer l;
    l.name = name;
    l.op = n.op_type();
    l.node_index = i;
    l.activation = n.input(0);
    l.weight = n.input(1);
    l.weight_is_initializer = init != initializers.end();
    l.trans_b = l.op == "Gemm" && int_attr(n, "transB", 0) != 0;
    l.output = n.output(0);
    layers.push_back(std::move(l));
  }
  return layers;
}

int channel_axis(const Layer& layer, int rank) {
  if (layer.op == "Conv") return rank >= 1 ? 0 : -1;
  if (layer.op == "Gemm") return rank == 2 ? (layer.trans_b ? 0 : 1) : -1;
  return rank >= 2 ? rank - 1 : -1;
}

Dims channel_scale_shape(const Layer& layer, const Dims& weight_shape) {
  Dims shape(weight_shape.size(), 1);
  const int axis = channel_axis(layer, static_cast<int>(weight_shape.size()));
  if (axis >= 0) shape[axis] = weight_shape[axis];
  return shape;
}

}  // namespace qedge::cli::quantize
