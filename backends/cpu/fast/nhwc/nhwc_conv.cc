// Fast qedge.NhwcConv (the converter's layout pass makes it): our channels-last kernel for depthwise 3x3 layers
// (nhwc_depthwise_3x3.h), XNNPACK's NHWC convolution for the others where it runs (xnnpack/xnn_nhwc_conv.cc).
// Elsewhere (a build without XNNPACK, auto_pad, 1-D/3-D) the fast NCHW FusedConv runs
// between channel moves, which costs two transposes per node but keeps the fast kernels; it also reports what is wrong
// with a bad node.
#include <memory>

#include "common/contrib_wrap.h"
#include "common/int_quantize.h"
#include "nhwc/nhwc_depthwise_3x3.h"
#include "xnnpack/xnn_paths.h"

namespace qedge::fast {
namespace {

class FastNhwcConv : public OpKernel {
 public:
  explicit FastNhwcConv(const ref::ContribWrapSpec& nchw) : nchw_spec_(nchw) {}

  Status prepare(KernelContext& ctx) override {
    QEDGE_ASSIGN_OR_RETURN(depthwise_, make_nhwc_depthwise_3x3(ctx));
    if (depthwise_) return Status::Ok();
    QEDGE_ASSIGN_OR_RETURN(xnn_, make_xnn_nhwc_conv(ctx));
    if (xnn_) return Status::Ok();
    if (!nchw_) nchw_ = std::make_unique<ref::ContribWrapKernel>(nchw_spec_);
    return nchw_->prepare(ctx);
  }

  Status run(KernelContext& ctx) override {
    if (depthwise_) return depthwise_->run(ctx);
    return xnn_ ? xnn_->run(ctx) : nchw_->run(ctx);
  }

 private:
  ref::ContribWrapSpec nchw_spec_;
  std::unique_ptr<OpKernel> depthwise_;
  std::unique_ptr<XnnPath> xnn_;
  std::unique_ptr<OpKernel> nchw_;
};

}  // namespace

// After register_fast_conv: the NCHW path is the fast FusedConv.
void register_fast_nhwc_conv(KernelRegistry& r, const KernelRegistry&) {
  const KernelFactory* fused = r.find(ref::kQedgeDomain, "FusedConv");
  const ref::ContribWrapSpec nchw{"FusedConv", *fused, false, 2, {}, ref::kQedgeDomain};
  r.add(ref::kQedgeDomain, "NhwcConv", [nchw] { return std::make_unique<FastNhwcConv>(nchw); });
}

}  // namespace qedge::fast
