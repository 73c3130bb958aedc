// If: runs then_branch or else_branch (bodies take no inputs and read outer tensors themselves).
#include "common/dispatch.h"
#include "common/seq_control.h"

namespace qedge::ref {
namespace {

class IfKernel : public SeqControlKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& cond = *ctx.input(0);
    if (cond.numel() != 1 || dtype_bits(cond.dtype) % 8 != 0 || dtype_bits(cond.dtype) == 0) {
      return InvalidModel("If cond must hold a single bool, got " + std::string(dtype_name(cond.dtype)) + " " +
                          dims_to_string(cond.shape));
    }
    int then_graph = -1, else_graph = -1;
    QEDGE_RETURN_IF_ERROR(need_graph(ctx, "then_branch", &then_graph));
    QEDGE_RETURN_IF_ERROR(need_graph(ctx, "else_branch", &else_graph));
    QEDGE_RETURN_IF_ERROR(require_value(ctx, 0));
    const int graph = read_as_double(cond.dtype, cond.data, 0) != 0 ? then_graph : else_graph;
    std::vector<TensorData> outs;
    QEDGE_RETURN_IF_ERROR(seq_run_graph(ctx, graph, {}, ctx.subgraphs->num_outputs(graph), &outs));
    return publish(ctx, std::move(outs));
  }
};

}  // namespace

void register_if(KernelRegistry& r) {
  r.add("", "If", [] { return std::make_unique<IfKernel>(); });
}

}  // namespace qedge::ref
