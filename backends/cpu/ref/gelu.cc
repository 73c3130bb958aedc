#include <cmath>
#include <memory>
#include <string>

#include "common/math_select.h"
#include "common/unary.h"

namespace qedge::ref {
namespace {

Result<std::unique_ptr<OpKernel>> choose_gelu(const KernelContext& ctx) {
  const std::string approximate = ctx.attr().get_string("approximate", "none");
  const UnaryParamReader no_params = nullptr;
  if (approximate == "none") {
    auto exact = [](auto x, const UnaryParams&) { return 0.5 * x * (1.0 + std::erf(x * M_SQRT1_2)); };
    return std::unique_ptr<OpKernel>(std::make_unique<UnaryKernel<kFloatTypes, decltype(exact)>>(exact, no_params));
  }
  if (approximate == "tanh") {
    auto approx = [](auto x, const UnaryParams&) {
      const double v = x;
      return 0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v)));
    };
    return std::unique_ptr<OpKernel>(std::make_unique<UnaryKernel<kFloatTypes, decltype(approx)>>(approx, no_params));
  }
  return InvalidModel("Gelu attribute approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
}

}  // namespace

void register_gelu(KernelRegistry& r) { register_selected(r, "Gelu", choose_gelu); }

}  // namespace qedge::ref
