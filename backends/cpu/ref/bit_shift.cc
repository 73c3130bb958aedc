#include <cstdint>
#include <memory>
#include <string>

#include "common/binary.h"
#include "common/math_select.h"

namespace qedge::ref {
namespace {

template <typename Fn>
std::unique_ptr<OpKernel> make_shift(Fn fn) {
  return std::make_unique<BinaryKernel<kUnsignedIntTypes, BinaryOutput::kSameAsInput, Fn>>(fn);
}

// Shifting by the bit width or more gives 0 (in C it would be undefined). Shifts happen in uint64
// so that small types promoted to int cannot overflow.
Result<std::unique_ptr<OpKernel>> choose_shift(const KernelContext& ctx) {
  const std::string direction = ctx.attr().get_string("direction");
  if (direction == "LEFT") {
    return make_shift([](auto a, auto b) {
      using C = decltype(a);
      return b >= sizeof(C) * 8 ? C(0) : static_cast<C>(static_cast<uint64_t>(a) << b);
    });
  }
  if (direction == "RIGHT") {
    return make_shift([](auto a, auto b) {
      using C = decltype(a);
      return b >= sizeof(C) * 8 ? C(0) : static_cast<C>(static_cast<uint64_t>(a) >> b);
    });
  }
  return InvalidModel("BitShift attribute direction must be \"LEFT\" or \"RIGHT\", got \"" + direction + "\"");
}

}  // namespace

void register_bit_shift(KernelRegistry& r) { register_selected(r, "BitShift", choose_shift); }

}  // namespace qedge::ref
