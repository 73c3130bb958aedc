// The recurrent operators RNN, GRU and LSTM: one kernel that shares input checking, layouts,
// directions, sequence lengths, activations and clipping; only the per-step cell differs.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "dispatch.h"
#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

enum class RnnCell { kRnn, kGru, kLstm };

// One entry of the `activations` attribute with its alpha/beta.
struct RnnActivation {
  std::string name;
  double alpha = 0, beta = 0;

  double operator()(double x) const {
    if (name == "sigmoid") return 1.0 / (1.0 + std::exp(-x));
    if (name == "tanh") return std::tanh(x);
    if (name == "relu") return std::max(x, 0.0);
    if (name == "affine") return alpha * x + beta;
    if (name == "leakyrelu") return x >= 0 ? x : alpha * x;
    if (name == "thresholdedrelu") return x > alpha ? x : 0.0;
    if (name == "scaledtanh") return alpha * std::tanh(beta * x);
    if (name == "hardsigmoid") return std::clamp(alpha * x + beta, 0.0, 1.0);
    if (name == "elu") return x >= 0 ? x : alpha * (std::exp(x) - 1.0);
    if (name == "softsign") return x / (1.0 + std::fabs(x));
    return std::log1p(std::exp(x));  // softplus; names are validated in prepare
  }
};

class RecurrentKernel : public OpKernel {
 public:
  explicit RecurrentKernel(RnnCell cell)
      : cell_(cell),
        gates_(cell == RnnCell::kRnn   ? 1
               : cell == RnnCell::kGru ? 3
                                       : 4) {}

  Status prepare(KernelContext& ctx) override {
    const std::string op(ctx.op_type);
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 3));
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    const Tensor& r = *ctx.input(2);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, op.c_str(), [](auto) { return Status::Ok(); }));
    const AttrMap& a = ctx.attr();
    const std::string dir = a.get_string("direction", "forward");
    if (dir != "forward" && dir != "reverse" && dir != "bidirectional") {
      return InvalidModel(op + " direction must be forward, reverse or bidirectional, got '" + dir + "'");
    }
    reverse_ = dir == "reverse";
    dirs_ = dir == "bidirectional" ? 2 : 1;
    layout_ = a.get_int("layout", 0);
    if (layout_ != 0 && layout_ != 1)
      return InvalidModel(op + " layout must be 0 or 1, got " + std::to_string(layout_));
    if (x.rank() != 3 || w.rank() != 3 || r.rank() != 3) {
      return ShapeMismatch(op + " X, W, R must be 3-D, got " + dims_to_string(x.shape) + ", " +
                           dims_to_string(w.shape) + ", " + dims_to_string(r.shape));
    }
    seq_ = x.shape[layout_ == 0 ? 0 : 1];
    batch_ = x.shape[layout_ == 0 ? 1 : 0];
    input_ = x.shape[2];
    hidden_ = a.get_int("hidden_size", r.shape[2]);
    const Dims w_want{dirs_, gates_ * hidden_, input_}, r_want{dirs_, gates_ * hidden_, hidden_};
    if (w.shape != w_want || r.shape != r_want || w.dtype != x.dtype || r.dtype != x.dtype) {
      return ShapeMismatch(op + " expects W " + dims_to_string(w_want) + " and R " + dims_to_string(r_want) +
                           " of X's type for X " + dims_to_string(x.shape) + " and hidden_size " +
                           std::to_string(hidden_) + ", got " + dims_to_string(w.shape) + " and " +
                           dims_to_string(r.shape));
    }
    const Dims state = layout_ == 0 ? Dims{dirs_, batch_, hidden_} : Dims{batch_, dirs_, hidden_};
    QEDGE_RETURN_IF_ERROR(check_optional(ctx, 3, x.dtype, {dirs_, 2 * gates_ * hidden_}, "B"));
    QEDGE_RETURN_IF_ERROR(check_optional(ctx, 5, x.dtype, state, "initial_h"));
    if (cell_ == RnnCell::kLstm) {
      QEDGE_RETURN_IF_ERROR(check_optional(ctx, 6, x.dtype, state, "initial_c"));
      QEDGE_RETURN_IF_ERROR(check_optional(ctx, 7, x.dtype, {dirs_, 3 * hidden_}, "P"));
    }
    const Tensor* lens = ctx.input(4);
    if (lens && ((lens->dtype != DType::kInt32 && lens->dtype != DType::kInt64) || lens->shape != Dims{batch_})) {
      return ShapeMismatch(op + " sequence_lens must be int32 [" + std::to_string(batch_) + "], got " +
                           dtype_name(lens->dtype) + " " + dims_to_string(lens->shape));
    }
    QEDGE_RETURN_IF_ERROR(read_activations(op, a));
    has_clip_ = a.has("clip");
    clip_ = a.get_float("clip", 0.0f);
    linear_before_reset_ = a.get_int("linear_before_reset", 0) != 0;
    input_forget_ = a.get_int("input_forget", 0) != 0;

    set_output(ctx, 0, x.dtype, layout_ == 0 ? Dims{seq_, dirs_, batch_, hidden_} : Dims{batch_, seq_, dirs_, hidden_});
    for (int i = 1; i < ctx.num_outputs(); ++i) set_output(ctx, i, x.dtype, state);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    std::vector<int64_t> lens(static_cast<size_t>(batch_), seq_);
    if (const Tensor* l = ctx.input(4)) {
      QEDGE_RETURN_IF_ERROR(read_int_values(l->dtype, l->data, batch_, "sequence_lens", &lens));
      for (int64_t v : lens) {
        if (v < 0 || v > seq_) {
          return InvalidArgument(std::string(ctx.op_type) + " sequence_lens value " + std::to_string(v) +
                                 " is outside [0, " + std::to_string(seq_) + "]");
        }
      }
    }
    return visit_dtype<kFloatTypes>(ctx.input(0)->dtype, "recurrent", [&](auto tag) {
      using T = typename decltype(tag)::type;
      compute<T>(ctx, lens);
      return Status::Ok();
    });
  }

 private:
  Status check_optional(const KernelContext& ctx, int i, DType dtype, const Dims& want, const char* name) const {
    const Tensor* t = ctx.input(i);
    if (t && (t->dtype != dtype || t->shape != want)) {
      return ShapeMismatch(std::string(ctx.op_type) + " " + name + " must be " + dtype_name(dtype) + " " +
                           dims_to_string(want) + ", got " + dtype_name(t->dtype) + " " + dims_to_string(t->shape));
    }
    return Status::Ok();
  }

  // Activations are listed per direction (forward first); alpha and beta values are consumed in
  // order by the functions that take them, others fall back to their operator defaults.
  Status read_activations(const std::string& op, const AttrMap& a) {
    static const std::vector<std::string> kDefaults[] = {{"Tanh"}, {"Sigmoid", "Tanh"}, {"Sigmoid", "Tanh", "Tanh"}};
    const std::vector<std::string>& defaults = kDefaults[static_cast<int>(cell_)];
    std::vector<std::string> names;
    if (const Attr* attr = a.find("activations")) names = attr->strings;
    if (names.empty()) {
      for (int d = 0; d < dirs_; ++d) names.insert(names.end(), defaults.begin(), defaults.end());
    }
    if (names.size() != defaults.size() * static_cast<size_t>(dirs_)) {
      return InvalidModel(op + " activations needs " + std::to_string(defaults.size() * dirs_) + " entries, got " +
                          std::to_string(names.size()));
    }
    const std::vector<float> alphas = a.get_floats("activation_alpha");
    const std::vector<float> betas = a.get_floats("activation_beta");
    size_t ai = 0, bi = 0;
    acts_.clear();
    for (const std::string& n : names) {
      RnnActivation act;
      for (char c : n) act.name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const std::string& k = act.name;
      double def_alpha = 0, def_beta = 0;
      bool uses_alpha = true, uses_beta = false;
      if (k == "affine" || k == "scaledtanh")
        def_alpha = 1, uses_beta = true;
      else if (k == "leakyrelu")
        def_alpha = 0.01;
      else if (k == "thresholdedrelu" || k == "elu")
        def_alpha = 1.0;
      else if (k == "hardsigmoid")
        def_alpha = 0.2, def_beta = 0.5, uses_beta = true;
      else if (k == "sigmoid" || k == "tanh" || k == "relu" || k == "softsign" || k == "softplus")
        uses_alpha = false;
      else
        return Unsupported(op + " does not support activation '" + n + "'");
      act.alpha = uses_alpha && ai < alphas.size() ? alphas[ai++] : def_alpha;
      act.beta = uses_beta && bi < betas.size() ? betas[bi++] : def_beta;
      acts_.push_back(act);
    }
    return Status::Ok();
  }

  template <typename T>
  static std::vector<double> to_double(const Tensor* t) {
    std::vector<double> v;
    if (t == nullptr) return v;
    const T* p = t->data_as<T>();
    for (int64_t i = 0, i_end = t->numel(); i < i_end; ++i) v.push_back(static_cast<double>(static_cast<compute_t<T>>(p[i])));
    return v;
  }

  // Offset of (direction d, batch b) in a [dirs, batch, hidden] or (layout 1) [batch, dirs, hidden] state.
  int64_t state_offset(int64_t d, int64_t b) const { return (layout_ == 0 ? d * batch_ + b : b * dirs_ + d) * hidden_; }

  template <typename T>
  void compute(KernelContext& ctx, const std::vector<int64_t>& lens) const {
    const std::vector<double> x = to_double<T>(ctx.input(0)), w = to_double<T>(ctx.input(1)),
                              r = to_double<T>(ctx.input(2)), bias = to_double<T>(ctx.input(3)),
                              h0 = to_double<T>(ctx.input(5)), c0 = to_double<T>(ctx.input(6)),
                              peep = to_double<T>(ctx.input(7));
    const int64_t gh = gates_ * hidden_;
    std::vector<double> y(static_cast<size_t>(seq_ * dirs_ * batch_ * hidden_), 0.0);
    std::vector<double> yh(static_cast<size_t>(dirs_ * batch_ * hidden_), 0.0), yc(yh.size(), 0.0);
    std::vector<double> xw(gh), hr(gh), h(hidden_), c(hidden_);
    const size_t acts_per_dir = acts_.size() / dirs_;
    for (int64_t d = 0; d < dirs_; ++d) {
      const bool backward = reverse_ || d == 1;
      const RnnActivation* act = &acts_[d * acts_per_dir];
      const double* wd = w.data() + d * gh * input_;
      const double* rd = r.data() + d * gh * hidden_;
      for (int64_t b = 0; b < batch_; ++b) {
        const int64_t so = state_offset(d, b);
        for (int64_t k = 0; k < hidden_; ++k) {
          h[k] = h0.empty() ? 0.0 : h0[so + k];
          c[k] = c0.empty() ? 0.0 : c0[so + k];
        }
        for (int64_t step = 0; step < lens[b]; ++step) {
          const int64_t t = backward ? lens[b] - 1 - step : step;
          const double* xt = x.data() + (layout_ == 0 ? t * batch_ + b : b * seq_ + t) * input_;
          // xw = W x + Wb and hr = R h + Rb, gate by gate.
          for (int64_t g = 0; g < gh; ++g) {
            double sx = bias.empty() ? 0.0 : bias[d * 2 * gh + g];
            double sh = bias.empty() ? 0.0 : bias[d * 2 * gh + gh + g];
            for (int64_t i = 0; i < input_; ++i) sx += wd[g * input_ + i] * xt[i];
            for (int64_t i = 0; i < hidden_; ++i) sh += rd[g * hidden_ + i] * h[i];
            xw[g] = sx;
            hr[g] = sh;
          }
          step_cell(act, rd, bias.empty() ? nullptr : bias.data() + d * 2 * gh + gh,
                    peep.empty() ? nullptr : peep.data() + d * 3 * hidden_, xw, hr, &h, &c);
          for (int64_t k = 0; k < hidden_; ++k) {
            const int64_t yo =
                layout_ == 0 ? ((t * dirs_ + d) * batch_ + b) * hidden_ : ((b * seq_ + t) * dirs_ + d) * hidden_;
            y[yo + k] = h[k];
          }
        }
        for (int64_t k = 0; k < hidden_; ++k) {
          yh[so + k] = h[k];
          yc[so + k] = c[k];
        }
      }
    }
    store<T>(y, ctx.output(0));
    if (ctx.num_outputs() > 1) store<T>(yh, ctx.output(1));
    if (ctx.num_outputs() > 2) store<T>(yc, ctx.output(2));
  }

  double clip(double v) const {
    return has_clip_ ? std::clamp(v, -static_cast<double>(clip_), static_cast<double>(clip_)) : v;
  }

  // One time step: updates h (and c for LSTM) from the gate pre-activations xw = W x + Wb and
  // hr = R h + Rb. GRU's hidden gate needs R itself (rd) when the reset applies before the product.
  void step_cell(const RnnActivation* act, const double* rd, const double* rb, const double* peep,
                 const std::vector<double>& xw, const std::vector<double>& hr, std::vector<double>* h,
                 std::vector<double>* c) const {
    const int64_t n = hidden_;
    if (cell_ == RnnCell::kRnn) {
      for (int64_t k = 0; k < n; ++k) (*h)[k] = act[0](clip(xw[k] + hr[k]));
    } else if (cell_ == RnnCell::kGru) {
      // Gate order z, r, h.
      std::vector<double> z(n), reset(n), hh(n);
      for (int64_t k = 0; k < n; ++k) {
        z[k] = act[0](clip(xw[k] + hr[k]));
        reset[k] = act[0](clip(xw[n + k] + hr[n + k]));
      }
      for (int64_t k = 0; k < n; ++k) {
        double rec;
        if (linear_before_reset_) {
          rec = reset[k] * hr[2 * n + k];
        } else {
          rec = rb ? rb[2 * n + k] : 0.0;
          for (int64_t i = 0; i < n; ++i) rec += rd[(2 * n + k) * n + i] * reset[i] * (*h)[i];
        }
        hh[k] = act[1](clip(xw[2 * n + k] + rec));
      }
      for (int64_t k = 0; k < n; ++k) (*h)[k] = (1.0 - z[k]) * hh[k] + z[k] * (*h)[k];
    } else {
      // Gate order i, o, f, c; peepholes P are ordered i, o, f.
      for (int64_t k = 0; k < n; ++k) {
        const double cp = (*c)[k];
        const double ig = act[0](clip(xw[k] + hr[k] + (peep ? peep[k] * cp : 0.0)));
        const double fg = input_forget_
                              ? 1.0 - ig
                              : act[0](clip(xw[2 * n + k] + hr[2 * n + k] + (peep ? peep[2 * n + k] * cp : 0.0)));
        const double cand = act[1](clip(xw[3 * n + k] + hr[3 * n + k]));
        const double cn = fg * cp + ig * cand;
        const double og = act[0](clip(xw[n + k] + hr[n + k] + (peep ? peep[n + k] * cn : 0.0)));
        (*c)[k] = cn;
        (*h)[k] = og * act[2](cn);
      }
    }
  }

  template <typename T>
  static void store(const std::vector<double>& v, Tensor* out) {
    T* p = out->data_as<T>();
    for (size_t i = 0; i < v.size(); ++i) p[i] = to_storage<T>(static_cast<compute_t<T>>(v[i]));
  }

  RnnCell cell_;
  int64_t gates_;
  int64_t dirs_ = 1, layout_ = 0, seq_ = 0, batch_ = 0, input_ = 0, hidden_ = 0;
  bool reverse_ = false, has_clip_ = false, linear_before_reset_ = false, input_forget_ = false;
  float clip_ = 0;
  std::vector<RnnActivation> acts_;
};

}  // namespace qedge::ref
