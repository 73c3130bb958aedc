#include <memory>
#include <string>

#include "common/binary.h"
#include "common/math_scalar.h"
#include "common/math_select.h"

namespace qedge::ref {
namespace {

template <typename Fn>
std::unique_ptr<OpKernel> make_mod(Fn fn) {
  return std::make_unique<BinaryKernel<kNumericTypes, BinaryOutput::kSameAsInput, Fn>>(fn);
}

Result<std::unique_ptr<OpKernel>> choose_mod(const KernelContext& ctx) {
  const int64_t fmod = ctx.attr().get_int("fmod", 0);
  // fmod=1: C fmod, sign of the dividend. fmod=0: sign of the divisor (also defined for floats here).
  if (fmod == 1) return make_mod([](auto a, auto b) { return trunc_mod(a, b); });
  if (fmod == 0) return make_mod([](auto a, auto b) { return floor_mod(a, b); });
  return InvalidModel("Mod attribute fmod must be 0 or 1, got " + std::to_string(fmod));
}

}  // namespace

void register_mod(KernelRegistry& r) { register_selected(r, "Mod", choose_mod); }

}  // namespace qedge::ref
