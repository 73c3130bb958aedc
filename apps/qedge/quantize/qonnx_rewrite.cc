#include "quantize/qonnx_rewrite.h"

#include <cstring>
#include <set>

#include "onnx/tensor_proto.h"
#include "qedge/quant/int_range.h"

namespace qedge::cli::quantize {
namespace {

class GraphEditor {
 public:
  explicit GraphEditor(onnx::GraphProto* g) : g_(g) {
    for (const auto& t : g->initializer()) used_.insert(t.name());
    for (const auto& v : g->input()) used_.insert(v.name());
    for (const auto& v : g->output()) used_.insert(v.name());
    for (const auto& n : g->node()) {
      used_.insert(n.name());
      for (const auto& o : n.output()) used_.insert(o);
    }
  }

  std::string unique(const std::string& base) {
    std::string name = base;
    for (int k = 1; used_.count(name); ++k) name = base + "_" + std::to_string(k);
    used_.insert(name);
    return name;
  }

  std::string add_initializer(const std::string& base, const Dims& shape, const std::vector<float>& values) {
    TensorData t;
    t.dtype = DType::kFloat32;
    t.shape = shape;
    t.bytes.resize(values.size() * sizeof(float));
    std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
    const std::string name = unique(base);
    conv::tensor_to_proto(t, name, g_->add_initializer());
    return name;
  }

  // A quantizer node on `input`; returns its output name. `scales` has `scale_shape` (scalar when empty).
  std::string add_quantizer(std::vector<onnx::NodeProto>* out, const std::string& prefix, const std::string& input,
                            const quant::QuantGrid& grid, const Dims& scale_shape, const std::vector<float>& scales) {
    onnx::NodeProto n;
    n.set_name(unique(prefix + "_quant"));
    n.set_domain(kQonnxDomain);
    n.add_input(input);
    n.add_input(add_initializer(prefix + "_scale", scale_shape, scales));
    const bool bipolar = quant::is_bipolar(grid.bits, grid.is_signed);
    if (bipolar) {
      n.set_op_type("BipolarQuant");
    } else {
      n.set_op_type("Quant");
      n.add_input(add_initializer(prefix + "_zero_point", {}, {0.0f}));
      n.add_input(add_initializer(prefix + "_bitwidth", {}, {static_cast<float>(grid.bits)}));
      add_int(&n, "signed", grid.is_signed);
      add_int(&n, "narrow", grid.narrow);
      auto* mode = n.add_attribute();
      mode->set_name("rounding_mode");
      mode->set_type(onnx::AttributeProto::STRING);
      mode->set_s("ROUND");
    }
    const std::string output = unique(prefix + "_quantized");
    n.add_output(output);
    out->push_back(std::move(n));
    return output;
  }

 private:
  static void add_int(onnx::NodeProto* n, const char* name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }

  onnx::GraphProto* g_;
  std::set<std::string> used_;
};

}  // namespace

Result<std::vector<QuantizedLayer>> insert_quantizers(onnx::ModelProto* model, const std::vector<Layer>& layers,
                                                      const std::vector<LayerSettings>& settings,
                                                      const std::map<std::string, TensorData>& weights,
                                                      const std::map<std::string, quant::Observer>& activations) {
  onnx::GraphProto* g = model->mutable_graph();
  GraphEditor editor(g);
  std::vector<onnx::NodeProto> before(g->node().begin(), g->node().end());
  std::vector<onnx::NodeProto> after;
  std::vector<QuantizedLayer> result(layers.size());
  size_t next = 0;  // layers are in node order
  for (int i = 0; i < static_cast<int>(before.size()); ++i) {
    onnx::NodeProto node = before[i];
    if (next < layers.size() && layers[next].node_index == i) {
      const Layer& l = layers[next];
      const LayerSettings& s = settings[next];
      QuantizedLayer& r = result[next++];
      if (node.name().empty()) node.set_name(l.name);  // the output model names the layer as the report does
      if (!s.keep_float) {
        auto w = weights.find(l.weight);
        if (w == weights.end() || w->second.dtype != DType::kFloat32) {
          return Internal("layer '" + l.name + "': no float32 values for weight '" + l.weight + "'");
        }
        const TensorData& wt = w->second;
        const auto* wv = reinterpret_cast<const float*>(wt.bytes.data());
        const quant::QuantGrid wgrid{s.weight_bits, true, true};
        const int axis = channel_axis(l, static_cast<int>(wt.shape.size()));
        std::vector<float> scales;
        Dims scale_shape;
        if (s.per_channel && axis >= 0) {
          scales = quant::channel_scales(wv, wt.shape, axis, wgrid, s.scale);
          scale_shape = channel_scale_shape(l, wt.shape);
        } else {
          quant::Observer o;
          o.observe(wv, static_cast<size_t>(num_elements(wt.shape)));
          scales = {quant::select_scale(o, wgrid, s.scale)};
        }
        r.per_channel = !scale_shape.empty();
        node.set_input(l.weight_input,
                       editor.add_quantizer(&after, l.name + "_weight", l.weight, wgrid, scale_shape, scales));

        auto obs = activations.find(l.activation);
        if (obs == activations.end()) return Internal("layer '" + l.name + "': activation '" + l.activation + "' was not calibrated");
        r.act_signed = obs->second.min() < 0;
        const quant::QuantGrid agrid{s.act_bits, r.act_signed, false};
        const float act_scale = quant::select_scale(obs->second, agrid, s.scale);
        node.set_input(l.activation_input,
                       editor.add_quantizer(&after, l.name + "_act", l.activation, agrid, {}, {act_scale}));
        r.quantized = true;
      }
    }
    after.push_back(std::move(node));
  }
  g->clear_node();
  for (auto& n : after) *g->add_node() = std::move(n);
  bool has_domain = false;
  for (const auto& op : model->opset_import()) has_domain |= op.domain() == kQonnxDomain;
  if (!has_domain) {
    auto* op = model->add_opset_import();
    op->set_domain(kQonnxDomain);
    op->set_version(1);
  }
  return result;
}

}  // namespace qedge::cli::quantize
