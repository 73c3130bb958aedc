// The activation a qedge.Fused* node (FusedConv, FusedGemm, FusedMatMul) applies to its output, named by the
// attributes `activation` (Relu, Clip, HardSwish, Sigmoid, LeakyRelu) and `activation_params` (Clip: min, max;
// LeakyRelu: alpha). The arithmetic is that of the standalone operator kernels, so fusing changes no bit.
#pragma once

#include <algorithm>
#include <string>

#include "dispatch.h"
#include "math_scalar.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

enum class ActivationKind { kNone, kRelu, kClip, kHardSwish, kSigmoid, kLeakyRelu };

struct Activation {
  ActivationKind kind = ActivationKind::kNone;
  float min = 0.0f, max = 0.0f;  // Clip
  float alpha = 0.0f;            // LeakyRelu
};

// Reads the activation of node `op` from its attributes; kNone when it has no `activation` attribute.
inline Result<Activation> read_activation(const AttrMap& attrs, const std::string& op) {
  Activation a;
  if (!attrs.has("activation")) return a;
  const std::string name = attrs.get_string("activation");
  const std::vector<float> p = attrs.get_floats("activation_params");
  size_t want = 0;
  if (name == "Relu") {
    a.kind = ActivationKind::kRelu;
  } else if (name == "Clip") {
    a.kind = ActivationKind::kClip;
    want = 2;
  } else if (name == "HardSwish") {
    a.kind = ActivationKind::kHardSwish;
  } else if (name == "Sigmoid") {
    a.kind = ActivationKind::kSigmoid;
  } else if (name == "LeakyRelu") {
    a.kind = ActivationKind::kLeakyRelu;
    want = 1;
  } else {
    return InvalidModel(op + " activation '" + name + "' is not one of Relu, Clip, HardSwish, Sigmoid, LeakyRelu");
  }
  if (p.size() != want) {
    return InvalidModel(op + " activation " + name + " takes " + std::to_string(want) + " activation_params, got " +
                        std::to_string(p.size()));
  }
  if (a.kind == ActivationKind::kClip) a.min = p[0], a.max = p[1];
  if (a.kind == ActivationKind::kLeakyRelu) a.alpha = p[0];
  return a;
}

// Applies `fn` (compute precision C) to data[0..n) of storage type T, in place.
template <typename T, typename Fn>
void map_in_place(T* data, int64_t n, Fn fn) {
  using C = compute_t<T>;
  for (int64_t i = 0; i < n; ++i) data[i] = to_storage<T>(fn(static_cast<C>(data[i])));
}

// Applies the activation to n values of a float type T, in place.
template <typename T>
void apply_activation(const Activation& a, T* data, int64_t n) {
  using C = compute_t<T>;
  switch (a.kind) {
    case ActivationKind::kNone:
      return;
    case ActivationKind::kRelu:
      return map_in_place(data, n, [](C x) { return x > 0 ? x : C(0); });
    case ActivationKind::kClip: {
      // As Clip: min > max yields max; NaN passes through.
      const C lo = static_cast<C>(a.min), hi = static_cast<C>(a.max);
      return map_in_place(data, n, [lo, hi](C x) {
        if (x < lo) x = lo;
        if (x > hi) x = hi;
        return x;
      });
    }
    case ActivationKind::kHardSwish:
      return map_in_place(data, n, [](C x) { return static_cast<C>(x * std::max(0.0, std::min(1.0, x / 6.0 + 0.5))); });
    case ActivationKind::kSigmoid:
      return map_in_place(data, n, [](C x) { return sigmoid(x); });
    case ActivationKind::kLeakyRelu: {
      const double alpha = a.alpha;
      return map_in_place(data, n, [alpha](C x) { return x >= 0 ? x : static_cast<C>(alpha * x); });
    }
  }
}

}  // namespace qedge::ref
