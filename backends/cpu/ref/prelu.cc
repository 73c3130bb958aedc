#include <memory>

#include "common/binary.h"
#include "common/int_math.h"

namespace qedge::ref {
namespace {

struct PReluFn {
  template <typename C>
  C operator()(C x, C slope) const {
    return x < C(0) ? wrap_mul(x, slope) : x;
  }
};

using PReluBase = BinaryKernel<kFloatTypes | kSignedIntTypes, BinaryOutput::kSameAsInput, PReluFn>;

// The slope broadcasts to X (unidirectionally): the output must keep X's shape.
class PReluKernel : public PReluBase {
 public:
  PReluKernel() : PReluBase(PReluFn{}) {}

  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(PReluBase::prepare(ctx));
    if (ctx.output(0)->shape != ctx.input(0)->shape) {
      return ShapeMismatch("PRelu slope of shape " + dims_to_string(ctx.input(1)->shape) +
                           " does not broadcast to X of shape " + dims_to_string(ctx.input(0)->shape));
    }
    return Status::Ok();
  }
};

}  // namespace

void register_prelu(KernelRegistry& r) {
  r.add("", "PRelu", [] { return std::make_unique<PReluKernel>(); });
}

}  // namespace qedge::ref
