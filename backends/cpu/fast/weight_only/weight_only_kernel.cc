#include "weight_only_kernel.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/int_linear.h"
#include "kernel_support.h"

namespace qedge::fast {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

bool all_finite(const std::vector<float>& v) {
  return std::all_of(v.begin(), v.end(), [](float e) { return std::isfinite(e); });
}

// The reference's clamp(v, lo, hi) as the inner node's fused activation: none, Relu (which also maps NaN to 0 as the
// reference does) or Clip. Clip passes a NaN sum through where the reference stores the lower bound: a difference
// for NaN inputs only.
void add_clamp(float lo, float hi, AttrMap* attrs) {
  if (lo == 0.0f && hi == kInf) {
    attrs->set(string_attr("activation", "Relu"));
  } else if (lo != -kInf || hi != kInf) {
    attrs->set(string_attr("activation", "Clip"));
    attrs->set(floats_attr("activation_params", {lo, hi}));
  }
}

Tensor float_view(const Dims& shape) {
  Tensor t;
  t.dtype = DType::kFloat32;
  t.shape = shape;
  return t;
}

}  // namespace

bool weight_only_applies(const KernelContext& ctx) {
  const Tensor* x = ctx.input(0);
  const Tensor* w = ctx.input(1);
  if (!x || !w || x->dtype != DType::kFloat32 || !ref::is_int_storage(w->dtype) || ctx.input(2) != nullptr) {
    return false;
  }
  const AttrMap& a = ctx.attr();
  if (a.get_int("xnor", 0) != 0 || a.has("out_scale")) return false;
  return !std::isnan(a.get_float("clamp_min", -kInf)) && !std::isnan(a.get_float("clamp_max", kInf)) &&
         all_finite(a.get_floats("mult", {1.0f})) && all_finite(a.get_floats("add", {0.0f}));
}

Status WeightOnlyOr::prepare(KernelContext& ctx) {
  float_ = weight_only_applies(ctx);
  if (!float_) return integer_->prepare(ctx);
  QEDGE_RETURN_IF_ERROR(prepare_like_reference(ref_, ctx));
  return prepare_float(ctx);
}

KernelFactory WeightOnlyOr::fast_kernel(void (*add_kernels)(KernelRegistry&, const KernelRegistry&),
                                        const char* op) const {
  return [add_kernels, op, &ref = ref_] {
    KernelRegistry fast;
    add_kernels(fast, ref);
    return (*fast.find(ref::kQedgeDomain, op))();
  };
}

Status WeightOnlyFloatLayer::prepare(const KernelContext& ctx, const char* op, AttrMap attrs, const Dims& x_shape,
                                     const Dims& y_shape, int channel_axis, const KernelFactory& make_inner) {
  if (!inner_ || op_ != op) inner_ = make_inner(), op_ = op;
  const AttrMap& a = ctx.attr();
  const Tensor& w = *ctx.input(1);
  const std::vector<float> mult = a.get_floats("mult", {1.0f});
  if (mult != mult_ || channel_axis != channel_axis_) source_ = nullptr;  // the weights carry mult: convert again
  mult_ = mult;
  channel_axis_ = channel_axis;
  const int64_t channels = w.shape[static_cast<size_t>(channel_axis)];
  const std::vector<float> add = a.get_floats("add", {0.0f});
  bias_.clear();
  if (std::any_of(add.begin(), add.end(), [](float e) { return e != 0.0f; })) {
    for (int64_t c = 0; c < channels; ++c) bias_.push_back(add[add.size() == 1 ? 0 : static_cast<size_t>(c)]);
  }
  b_ = float_view({channels});
  b_.data = bias_.data();
  b_.constant = true;  // derived from attributes: fixed while this node lives
  add_clamp(a.get_float("clamp_min", -kInf), a.get_float("clamp_max", kInf), &attrs);
  attrs_ = std::move(attrs);
  x_ = float_view(x_shape);
  y_ = float_view(y_shape);
  w_.dtype = DType::kFloat32;
  w_.shape = w.shape;
  inner_ctx_ = KernelContext();
  inner_ctx_.op_type = op_;
  inner_ctx_.domain = ref::kQedgeDomain;
  inner_ctx_.opset = 1;
  inner_ctx_.attrs = &attrs_;
  inner_ctx_.inputs = {&x_, &w_};
  if (!bias_.empty()) inner_ctx_.inputs.push_back(&b_);
  inner_ctx_.outputs = {&y_};
  inner_ready_ = false;
  return Status::Ok();
}

Status WeightOnlyFloatLayer::run(const KernelContext& ctx) {
  const Tensor& w = *ctx.input(1);
  if (!(w.constant && w.data != nullptr && w.data == source_)) QEDGE_RETURN_IF_ERROR(convert_weights(ctx));
  x_.data = ctx.input(0)->data;
  y_.data = ctx.output(0)->data;
  inner_ctx_.threads = ctx.threads;
  inner_ctx_.subgraphs = ctx.subgraphs;
  if (!inner_ready_) {
    QEDGE_RETURN_IF_ERROR(inner_->prepare(inner_ctx_));
    inner_ready_ = true;
  }
  return inner_->run(inner_ctx_);
}

Status WeightOnlyFloatLayer::convert_weights(const KernelContext& ctx) {
  const Tensor& w = *ctx.input(1);
  // The reference's own conversion (packed or natural levels minus zero points, exact in double), then times mult
  // rounded once to float. Transient: 8 bytes per weight of this one layer, as every reference run takes.
  std::vector<double> levels;
  QEDGE_RETURN_IF_ERROR(ref::read_int_weights(ctx, channel_axis_, &levels));
  // A constant's weights go to a new buffer, so that the inner kernel, re-prepared below, sees a new address and
  // drops what it packed from the old one; a non-constant's are rewritten in place every run.
  std::vector<float> fresh;
  std::vector<float>& out = w.constant ? fresh : weights_;
  out.resize(levels.size());
  int64_t inner = 1;
  for (int d = channel_axis_ + 1; d < w.rank(); ++d) inner *= w.shape[static_cast<size_t>(d)];
  const int64_t channels = w.shape[static_cast<size_t>(channel_axis_)];
  for (size_t i = 0; i < out.size();) {
    for (int64_t c = 0; c < channels; ++c) {
      const double m = mult_[mult_.size() == 1 ? 0 : static_cast<size_t>(c)];
      for (int64_t j = 0; j < inner; ++j, ++i) out[i] = static_cast<float>(levels[i] * m);
    }
  }
  if (w.constant) {
    weights_.swap(fresh);
    inner_ready_ = false;
  }
  source_ = w.constant ? w.data : nullptr;
  w_.data = weights_.data();
  w_.constant = w.constant;
  return Status::Ok();
}

}  // namespace qedge::fast
