// Integer lowering: Conv/MatMul/Gemm whose weights lie on a quantization grid become qedge QConv/QMatMul with
// the weight stored as integer levels (packed at its bit width by the writer). The input is read as integer
// levels when it comes from an activation quantizer (else float: weight-only quantization); bias, BatchNorm and
// Mul/Add/Sub/Div by per-channel constants fold into the per-channel multiplier and offset, Relu/Clip into the
// clamp bounds, and a following activation quantizer into the output, so that the graph between quantizers
// runs on integers. Everything else stays as it was, and each linear node says why in its precision note.
#include <cmath>
#include <algorithm>
#include <cstring>
#include <limits>

#include "passes/int_lowering.h"
#include "passes/pass.h"
#include "passes/quant_grid.h"
#include "qedge/quant/accumulator.h"

namespace qedge::conv {
namespace {

constexpr int kMaxExactAccumulatorBits = 53;  // the reference kernels sum in double

bool is_onnx(const IrNode& n, const char* op) { return n.domain.empty() && n.op_type == op; }

std::string grid_text(const IrQuant& q) {
  if (q.bipolar) return "bipolar";
  return (q.is_signed ? "int" : "uint") + std::to_string(q.bits);
}

struct Linear {
  bool conv = false;
  int weight_axis = 0;     // output-channel axis of W
  int out_axis = 1;        // channel axis of the output
  std::vector<double> mult, add;
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  std::vector<std::string> fused;
};

class LinearLowering {
 public:
  LinearLowering(IntLowering& low, int k) : low_(low), model_(low.model()), k_(k) {}

  void run() {
    std::string why;
    if (!lower(&why)) low_.node(k_).precision_note = "float: " + why;
  }

  void run_add() {
    std::string why;
    if (!lower_add(&why) && !why.empty()) low_.node(k_).precision_note = "float: " + why;
  }

 private:
  // Per-channel values of constant `t` against output shape `y` (axis `axis`), n channels; nullopt otherwise.
  std::optional<std::vector<double>> channel_values(int t, const Dims& y, int axis, int64_t n) {
    const auto v = constant_values(model_, t);
    if (!v) return std::nullopt;
    const auto a = broadcast_axis(model_.tensors[t].shape, y);
    if (!a || (*a >= 0 && *a != axis) || model_.tensors[t].shape.size() > y.size()) return std::nullopt;
    std::vector<double> out(static_cast<size_t>(n));
    for (int64_t c = 0; c < n; ++c) out[c] = (*v)[v->size() == 1 ? 0 : c];
    return out;
  }

  // Scale 1, zero point 0 and the narrowest signed (or bipolar) range holding every value; nullopt when a value
  // is not a whole number within 8 bits.
  static std::optional<IrQuant> integer_valued_grid(const IrTensor& w) {
    const size_t n = static_cast<size_t>(num_elements(w.shape));
    std::vector<float> v(n);
    std::memcpy(v.data(), w.value.bytes.data(), n * sizeof(float));
    float lo = 0.0f, hi = 0.0f;
    bool pm_one = n > 0;
    for (float e : v) {
      if (!(std::fabs(e) <= 128.0f) || std::floor(e) != e) return std::nullopt;
      lo = std::min(lo, e), hi = std::max(hi, e);
      pm_one &= e == 1.0f || e == -1.0f;
    }
    IrQuant q;
    q.scale = {1.0f};
    q.zero_point = {0.0f};
    q.bits = 1;
    q.bipolar = pm_one;
    if (!pm_one) {
      q.bits = 2;
      while (lo < -static_cast<float>(1 << (q.bits - 1)) || hi > static_cast<float>((1 << (q.bits - 1)) - 1)) ++q.bits;
    }
    if (q.bits > 8) return std::nullopt;
    return q;
  }

  bool lower(std::string* why) {
    const IrNode n = low_.node(k_);
    const bool gemm = is_onnx(n, "Gemm");
    lin_.conv = is_onnx(n, "Conv");
    if (n.inputs.size() < 2 || n.inputs[0] < 0 || n.inputs[1] < 0) return *why = "missing inputs", false;
    // Copies: adding tensors below may move model_.tensors.
    const IrTensor x = model_.tensors[n.inputs[0]];
    const IrTensor w = model_.tensors[n.inputs[1]];
    const int y = n.outputs.empty() ? -1 : n.outputs[0];
    if (y < 0 || !model_.tensors[y].shape_known || !x.shape_known) return *why = "shapes are not static", false;
    if (x.dtype != DType::kFloat32) return *why = "input is not float32", false;
    if (!w.is_constant || w.dtype != DType::kFloat32) return *why = "weight is not a float constant", false;
    // Integer-valued float weights (FINN's streamlined form) count as integers when the input is integer too.
    const std::optional<int> xi_early = w.quant ? std::nullopt : low_.int_source(n.inputs[0]);
    const std::optional<IrQuant> w_grid = w.quant ? w.quant : xi_early ? integer_valued_grid(w) : std::nullopt;
    if (!w_grid) return *why = "weight is not quantized", false;
    if (gemm && n.attrs.get_int("transA", 0) != 0) return *why = "Gemm with transA", false;
    if (!lin_.conv && w.shape.size() != 2) return *why = "weight is not 2-D", false;
    if (lin_.conv && w.shape.size() < 3) return *why = "weight rank below 3", false;
    const bool trans_b = gemm && n.attrs.get_int("transB", 0) != 0;
    lin_.weight_axis = lin_.conv || trans_b ? 0 : 1;
    lin_.out_axis = lin_.conv ? 1 : static_cast<int>(model_.tensors[y].shape.size()) - 1;
    const IrQuant& wq = *w_grid;
    if (!wq.per_tensor() && wq.axis != lin_.weight_axis) return *why = "weight scale is not per output channel", false;
    for (float z : wq.zero_point) {
      if (std::floor(z) != z) return *why = "weight zero point is not an integer", false;
    }
    std::vector<float> wv(static_cast<size_t>(num_elements(w.shape)));
    std::memcpy(wv.data(), w.value.bytes.data(), wv.size() * sizeof(float));
    const auto levels = levels_on_grid(wv, w.shape, wq);
    if (!levels) return *why = "weight values are not on their quantization grid", false;

    const auto xi = low_.int_source(n.inputs[0]);
    const std::optional<IrQuant> x_grid = xi ? model_.tensors[*xi].quant : std::nullopt;
    const IrQuant* xq = x_grid ? &*x_grid : nullptr;
    const int64_t channels = w.shape[lin_.weight_axis];
    const int64_t reduce = lin_.conv ? num_elements(w.shape) / w.shape[0] : w.shape[1 - lin_.weight_axis];
    if (xq) {
      const auto acc = quant::accumulator_bits(static_cast<uint64_t>(reduce), xq->bits, xq->is_signed || xq->bipolar,
                                               wq.bits, wq.is_signed || wq.bipolar);
      if (!acc || *acc > kMaxExactAccumulatorBits) return *why = "accumulator would exceed 53 bits", false;
      acc_bits_ = *acc;
    }
    const double x_scale = xq ? xq->scale[0] : 1.0;
    const double alpha = gemm ? n.attrs.get_float("alpha", 1.0f) : 1.0;
    for (int64_t c = 0; c < channels; ++c) {
      lin_.mult.push_back(x_scale * wq.scale[wq.per_tensor() ? 0 : c] * alpha);
      lin_.add.push_back(0.0);
    }
    const Dims yshape = model_.tensors[y].shape;
    const int bias_input = n.inputs.size() > 2 ? n.inputs[2] : -1;
    if (bias_input >= 0) {
      // Conv's bias is a vector of M values; Gemm's C broadcasts against the output.
      const auto b = lin_.conv ? channel_values(bias_input, Dims{channels}, 0, channels)
                               : channel_values(bias_input, yshape, lin_.out_axis, channels);
      if (!b) return *why = lin_.conv ? "bias is not a constant" : "Gemm C is not a constant per-column bias", false;
      const double beta = gemm ? n.attrs.get_float("beta", 1.0f) : 1.0;
      for (int64_t c = 0; c < channels; ++c) lin_.add[c] += beta * (*b)[c];
    }

    const int wlev = low_.add_levels(w.name + ".levels", w.shape, *levels, wq);
    IrNode q = make_qedge_node(n.name, lin_.conv ? "QConv" : "QMatMul", {xi ? *xi : n.inputs[0], wlev}, {});
    q.backend = n.backend;
    if (lin_.conv) {
      for (const Attr& a : n.attrs.all()) q.attrs.set(a);
    } else {
      set_attr(&q.attrs, "trans_b", int64_t{trans_b});
    }
    set_attr(&q.attrs, "xnor", int64_t{xq && xq->bipolar && wq.bipolar});
    if (xq) set_attr(&q.attrs, "x_zero_point", static_cast<int64_t>(xq->zero_point[0]));
    // One value when every channel shares it (symmetric weights: 0), which the kernels broadcast.
    const bool uniform_zp = std::all_of(wq.zero_point.begin(), wq.zero_point.end(),
                                        [&](float z) { return z == wq.zero_point[0]; });
    set_attr(&q.attrs, "w_zero_point", uniform_zp ? std::vector<float>{wq.zero_point[0]} : wq.zero_point);

    const auto out_grid = finish(y, channels, &q);
    q.precision_note = (xq ? grid_text(*xq) : std::string("float")) + " x " + grid_text(wq) + " weights" +
                       (xq && q.attrs.get_int("xnor", 0) ? " by XNOR-popcount" : "") + accumulator_text(xq != nullptr) +
                       output_text(out_grid, q);
    low_.node(k_) = std::move(q);
    return true;
  }

  // Add of two quantized activations: QAdd rescales both to reals and shares the linear epilogue (one channel).
  bool lower_add(std::string* why) {
    const IrNode n = low_.node(k_);
    if (n.inputs.size() != 2 || n.outputs.size() != 1 || n.outputs[0] < 0) return *why = "not a binary Add", false;
    const int y = n.outputs[0];
    if (!model_.tensors[y].shape_known) return *why = "shapes are not static", false;
    const auto a = low_.int_source(n.inputs[0]);
    const auto b = low_.int_source(n.inputs[1]);
    if (!a && !b) return false;  // a float Add: nothing to say
    if (!a || !b) return *why = "only one input is a quantized activation", false;
    const IrQuant qa = *model_.tensors[*a].quant, qb = *model_.tensors[*b].quant;
    lin_.out_axis = static_cast<int>(model_.tensors[y].shape.size()) - 1;
    lin_.mult = {1.0};
    lin_.add = {0.0};
    IrNode q = make_qedge_node(n.name, "QAdd", {*a, *b}, {});
    q.backend = n.backend;
    set_attr(&q.attrs, "a_scale", qa.scale[0]);
    set_attr(&q.attrs, "b_scale", qb.scale[0]);
    set_attr(&q.attrs, "a_zero_point", static_cast<int64_t>(qa.zero_point[0]));
    set_attr(&q.attrs, "b_zero_point", static_cast<int64_t>(qb.zero_point[0]));
    const auto out_grid = finish(y, 1, &q);
    q.precision_note = grid_text(qa) + " + " + grid_text(qb) + " levels, rescaled" + output_text(out_grid, q);
    low_.node(k_) = std::move(q);
    return true;
  }

  // Folds the epilogue chain and output quantizer after tensor y into q and sets q's output and epilogue attributes.
  std::optional<IrQuant> finish(int y, int64_t channels, IrNode* q) {
    int out = absorb_epilogue(y, channels);
    std::optional<IrQuant> out_grid = fuse_output_quantizer(&out, q);
    q->outputs = {out};
    set_attr(&q->attrs, "mult", to_floats(lin_.mult));
    set_attr(&q->attrs, "add", to_floats(lin_.add));
    if (std::isfinite(lin_.lo)) set_attr(&q->attrs, "clamp_min", static_cast<float>(lin_.lo));
    if (std::isfinite(lin_.hi)) set_attr(&q->attrs, "clamp_max", static_cast<float>(lin_.hi));
    return out_grid;
  }

  // Folds the single-use chain after the node's output into mult/add/clamp; returns the chain's last tensor.
  // Unsqueeze/Squeeze of axes after the channel axis may sit in the chain (FINN wraps BatchNorm in them); the
  // chain is cut at its last tensor whose shape is the node's own output shape.
  int absorb_epilogue(int y, int64_t channels) {
    const Dims out_shape = model_.tensors[y].shape;
    Linear trial = lin_;
    std::vector<int> taken, committed;
    int committed_y = y;
    for (;;) {
      const auto u = low_.uses(y);
      if (u.total() != 1 || u.nodes.size() != 1) break;
      const int k = u.nodes[0];
      const IrNode& c = low_.node(k);
      if (!c.domain.empty() || c.outputs.empty() || c.outputs[0] < 0) break;
      const Dims yshape = model_.tensors[y].shape;
      const Dims& next_shape = model_.tensors[c.outputs[0]].shape;
      if (!fold_into(c, y, yshape, channels, &trial)) break;
      if (c.op_type == "BatchNormalization") {
        bool extra = false;
        for (size_t o = 1; o < c.outputs.size(); ++o) extra |= c.outputs[o] >= 0;
        if (extra) break;
      }
      taken.push_back(k);
      trial.fused.push_back(c.op_type);
      y = c.outputs[0];
      if (next_shape == out_shape) {
        lin_ = trial;
        committed = taken;
        committed_y = y;
      }
    }
    for (int k : committed) low_.kill(k);
    return committed_y;
  }

  // Applies consumer `c` of tensor `y` (shape `yshape`) to `t`; false when it cannot fold.
  bool fold_into(const IrNode& c, int y, const Dims& yshape, int64_t channels, Linear* t) {
    const bool affine_ok = !std::isfinite(t->lo) && !std::isfinite(t->hi);
    const int other = c.inputs.size() == 2 ? (c.inputs[0] == y ? c.inputs[1] : c.inputs[0]) : -1;
    const Dims& next_shape = model_.tensors[c.outputs[0]].shape;
    if (c.op_type == "Relu") {
      t->lo = std::max(t->lo, 0.0);
      return true;
    }
    if (c.op_type == "Clip") return clip_bounds(c, t);
    if (c.op_type == "Unsqueeze" || c.op_type == "Squeeze") {
      // Only size-1 axes after the channel axis may come or go.
      const size_t keep = static_cast<size_t>(t->out_axis) + 1;
      if (next_shape.size() < keep || !std::equal(yshape.begin(), yshape.begin() + keep, next_shape.begin())) return false;
      for (size_t d = keep; d < yshape.size(); ++d) {
        if (yshape[d] != 1) return false;
      }
      for (size_t d = keep; d < next_shape.size(); ++d) {
        if (next_shape[d] != 1) return false;
      }
      return true;
    }
    // Training mode normalizes with the batch's own statistics, which no constant epilogue reproduces.
    if (c.op_type == "BatchNormalization" && affine_ok && c.inputs.size() == 5 && t->out_axis == 1 &&
        c.attrs.get_int("training_mode", 0) == 0) {
      std::vector<std::vector<double>> p;
      for (int i = 1; i < 5; ++i) {
        auto v = channel_values(c.inputs[i], Dims{channels}, 0, channels);
        if (!v) return false;
        p.push_back(*v);
      }
      const double eps = c.attrs.get_float("epsilon", 1e-5f);
      for (int64_t ch = 0; ch < channels; ++ch) {
        // (y - mean) / sqrt(var + eps) * gamma + beta, with var + eps rounded to float32 as the reference does.
        const double a = p[0][ch] / std::sqrt(static_cast<double>(static_cast<float>(p[3][ch] + eps)));
        t->mult[ch] *= a;
        t->add[ch] = (t->add[ch] - p[2][ch]) * a + p[1][ch];
      }
      return true;
    }
    const bool commutes = c.op_type == "Add" || c.op_type == "Mul";
    const bool right_only = (c.op_type == "Sub" || c.op_type == "Div") && c.inputs.size() == 2 && c.inputs[0] == y;
    if (!affine_ok || !(commutes || right_only) || other < 0 || next_shape != yshape) return false;
    const auto v = channel_values(other, yshape, t->out_axis, channels);
    if (!v) return false;
    for (int64_t ch = 0; ch < channels; ++ch) {
      const double e = (*v)[ch];
      if (c.op_type == "Add") t->add[ch] += e;
      if (c.op_type == "Sub") t->add[ch] -= e;
      if (c.op_type == "Mul") t->mult[ch] *= e, t->add[ch] *= e;
      if (c.op_type == "Div") t->mult[ch] /= e, t->add[ch] /= e;
    }
    return true;
  }

  bool clip_bounds(const IrNode& c, Linear* t) {
    double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
    if (c.opset < 11) {
      lo = c.attrs.get_float("min", -std::numeric_limits<float>::infinity());
      hi = c.attrs.get_float("max", std::numeric_limits<float>::infinity());
    } else {
      for (int i = 1; i < 3 && i < static_cast<int>(c.inputs.size()); ++i) {
        if (c.inputs[i] < 0) continue;
        const auto v = constant_values(model_, c.inputs[i]);
        if (!v || v->size() != 1) return false;
        (i == 1 ? lo : hi) = (*v)[0];
      }
    }
    t->lo = std::max(t->lo, lo);
    t->hi = std::min(t->hi, hi);
    return true;
  }

  // A single activation quantizer reading the output becomes the node's output step. Value-moving ops between
  // them (MaxPool, Reshape, Flatten, Transpose, ...) commute with a per-tensor quantizer, which is monotone: they
  // then run on the levels instead.
  std::optional<IrQuant> fuse_output_quantizer(int* y, IrNode* q) {
    std::vector<int> movers;
    int t = *y, k = -1;
    for (;;) {
      const auto u = low_.uses(t);
      if (u.total() != 1 || u.nodes.size() != 1) return std::nullopt;
      const IrNode& c = low_.node(u.nodes[0]);
      if (c.inputs.empty() || c.inputs[0] != t || c.outputs.empty() || c.outputs[0] < 0) return std::nullopt;
      // int8 admits every mover; the real levels type is checked once the quantizer is known.
      if (c.op_type == "Concat" || !moves_values(c, DType::kInt8)) {
        k = u.nodes[0];
        break;
      }
      movers.push_back(u.nodes[0]);
      t = c.outputs[0];
    }
    const IrNode c = low_.node(k);
    const Dims& in_shape = model_.tensors[t].shape;
    std::optional<IrQuant> grid;
    bool onnx_rule = false;
    if (is_onnx(c, "QuantizeLinear")) {
      grid = quantize_linear_grid(c, in_shape);
      onnx_rule = true;
    } else if ((grid = multithreshold_grid(model_, c))) {
      // The thresholds compare the layer's output per channel: their channel axis must be the layer's.
      const std::string layout = c.attrs.get_string("data_layout", "NCHW");
      const int axis = !layout.empty() && layout.back() == 'C' ? static_cast<int>(in_shape.size()) - 1 : 1;
      const Dims& th = model_.tensors[c.inputs[1]].shape;
      if (!movers.empty() || axis != lin_.out_axis || (th[0] != 1 && th[0] != in_shape[axis])) return std::nullopt;
      q->inputs.push_back(c.inputs[1]);
      set_attr(&q->attrs, "out_bipolar", int64_t{grid->bipolar});
      set_attr(&q->attrs, "out_to", static_cast<int64_t>(level_dtype(*grid)));
    } else {
      grid = activation_quantizer_grid(model_, c);
    }
    if (!grid) return std::nullopt;
    const DType levels_type = level_dtype(*grid);
    for (int k : movers) {
      if (!moves_values(low_.node(k), levels_type)) return std::nullopt;
    }
    if (q->inputs.size() < 3) set_quantize_attrs(&q->attrs, *grid, "out_", onnx_rule);
    // The quantizer's own output holds the last levels: QuantizeLinear's is integer already; a QONNX quantizer's
    // float output comes from a Dequantize of new levels.
    const int fq = c.outputs[0];
    int last = fq;
    if (onnx_rule) {
      model_.tensors[fq].quant = grid;
      low_.kill(k);
    } else {
      last = low_.add_tensor(model_.tensors[fq].name + ".levels", levels_type, model_.tensors[fq].shape, grid);
      IrNode d = make_qedge_node(c.name, "Dequantize", {last}, {fq});
      d.backend = c.backend;
      set_attr(&d.attrs, "scale", grid->scale);
      set_attr(&d.attrs, "zero_point", grid->zero_point);
      d.precision_note = std::string(dtype_name(levels_type)) + " levels -> float";
      low_.node(k) = std::move(d);
      low_.set_int_source(fq, last);
    }
    int levels = movers.empty() ? last : low_.add_tensor(model_.tensors[*y].name + ".levels", levels_type,
                                                         model_.tensors[*y].shape, grid);
    *y = levels;
    for (size_t i = 0; i < movers.size(); ++i) {
      IrNode m = low_.node(movers[i]);
      const int out = i + 1 == movers.size() ? last
                                             : low_.add_tensor(model_.tensors[m.outputs[0]].name + ".levels", levels_type,
                                                               model_.tensors[m.outputs[0]].shape, grid);
      m.inputs[0] = levels;
      m.outputs[0] = out;
      m.precision_note = std::string(dtype_name(levels_type)) + " levels (moved before the quantizer it commutes with)";
      low_.kill(movers[i]);
      low_.insert_after(movers[i], std::move(m));
      levels = out;
    }
    lin_.fused.push_back(c.op_type);
    return grid;
  }

  // The grid of an ONNX QuantizeLinear with per-tensor constant parameters that saturates.
  std::optional<IrQuant> quantize_linear_grid(const IrNode& c, const Dims& shape) {
    if (c.attrs.get_int("saturate", 1) != 1) return std::nullopt;
    return onnx_activation_grid(model_, c.inputs[1], c.inputs.size() > 2 ? c.inputs[2] : -1,
                                model_.tensors[c.outputs[0]].dtype, shape);
  }

  std::string accumulator_text(bool integer_input) const {
    if (!integer_input) return "";
    return ", exact accumulator (" + std::to_string(acc_bits_) + " bits needed, int" + (acc_bits_ <= 32 ? "32" : "64") + ")";
  }

  std::string output_text(const std::optional<IrQuant>& out, const IrNode& q) const {
    std::string s = q.inputs.size() > 2 ? ", thresholds to " + grid_text(*out) + " levels"
                    : out                ? ", requantized to " + grid_text(*out)
                                         : ", float output";
    if (!lin_.fused.empty()) {
      s += "; fused";
      for (const auto& f : lin_.fused) s += " " + f;
    }
    return s;
  }

  static std::vector<float> to_floats(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }
  IntLowering& low_;
  IrModel& model_;
  int k_;
  Linear lin_;
  int acc_bits_ = 0;
};

}  // namespace

Status lower_integer(IrModel& model, PassContext& ctx) {
  IntLowering low(model);
  for (int k = 0; k < low.num_nodes(); ++k) {
    if (low.is_dead(k)) continue;
    const IrNode& n = low.node(k);
    if (is_onnx(n, "Conv") || is_onnx(n, "MatMul") || is_onnx(n, "Gemm")) {
      LinearLowering(low, k).run();
    } else if (is_onnx(n, "Add")) {
      LinearLowering(low, k).run_add();
    }
  }
  low.commit();
  ctx.changed = true;
  return Status::Ok();
}

}  // namespace qedge::conv
