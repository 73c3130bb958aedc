// Loop: body(iteration_num, cond, carried...) -> (cond, carried..., scan outputs...). Runs while
// iteration_num < M (when given) and cond holds (when given); scan outputs stack along a new axis 0.
#include <limits>

#include "common/dispatch.h"
#include "common/seq_control.h"

namespace qedge::ref {
namespace {

class LoopKernel : public SeqControlKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    int body = -1;
    QEDGE_RETURN_IF_ERROR(need_graph(ctx, "body", &body));
    const Tensor* trip = ctx.input(0);
    const Tensor* cond = ctx.input(1);
    for (const Tensor* t : {trip, cond}) {
      if (t && t->numel() != 1) {
        return InvalidModel("Loop M and cond must be scalars, got " + dims_to_string(t->shape));
      }
    }
    if (trip && trip->dtype != DType::kInt64) {
      return InvalidModel(std::string("Loop M must be int64, got ") + dtype_name(trip->dtype));
    }
    QEDGE_RETURN_IF_ERROR(require_value(ctx, 0));
    QEDGE_RETURN_IF_ERROR(require_value(ctx, 1));
    const int carried_count = ctx.num_inputs() - 2;
    const int body_outputs = ctx.subgraphs->num_outputs(body);
    const int scan_count = body_outputs - 1 - carried_count;
    if (carried_count < 0 || scan_count < 0 || ctx.subgraphs->num_inputs(body) != 2 + carried_count) {
      return InvalidModel("Loop body takes " + std::to_string(ctx.subgraphs->num_inputs(body)) + " inputs and yields " +
                          std::to_string(body_outputs) + " outputs for " + std::to_string(carried_count) +
                          " loop-carried values");
    }
    std::vector<TensorData> carried;
    for (int i = 0; i < carried_count; ++i) {
      if (ctx.input(2 + i) == nullptr)
        return InvalidModel("Loop loop-carried input " + std::to_string(i) + " is missing");
      QEDGE_RETURN_IF_ERROR(require_value(ctx, 2 + i));
      carried.push_back(seq_copy_tensor(*ctx.input(2 + i)));
    }
    const int64_t max_trips = trip ? trip->data_as<int64_t>()[0] : std::numeric_limits<int64_t>::max();
    bool keep_going = cond ? read_as_double(cond->dtype, cond->data, 0) != 0 : true;
    std::vector<std::vector<TensorData>> scans(static_cast<size_t>(scan_count));
    for (int64_t i = 0; i < max_trips && keep_going; ++i) {
      std::vector<TensorData> ins{seq_scalar_tensor(DType::kInt64, &i, sizeof(i)),
                                  seq_scalar_tensor(DType::kBool, &keep_going, sizeof(bool))};
      ins.insert(ins.end(), carried.begin(), carried.end());
      std::vector<TensorData> outs;
      QEDGE_RETURN_IF_ERROR(seq_run_graph(ctx, body, ins, body_outputs, &outs));
      // Without a cond input the body's cond output is ignored (a pure for-loop).
      if (cond) {
        if (outs[0].bytes.empty()) return InvalidModel("Loop body cond output is empty");
        keep_going = read_as_double(outs[0].dtype, outs[0].bytes.data(), 0) != 0;
      }
      for (int k = 0; k < carried_count; ++k) carried[k] = std::move(outs[1 + k]);
      for (int k = 0; k < scan_count; ++k) scans[k].push_back(std::move(outs[1 + carried_count + k]));
    }
    std::vector<TensorData> results = std::move(carried);
    for (int k = 0; k < scan_count; ++k) {
      if (scans[k].empty()) {
        // No iterations: an empty scan output of the type the model declares, if known.
        TensorData empty;
        empty.dtype = ctx.output(carried_count + k) ? ctx.output(carried_count + k)->dtype : DType::kUndefined;
        empty.shape = {0};
        results.push_back(std::move(empty));
        continue;
      }
      QEDGE_ASSIGN_OR_RETURN(TensorData stacked, seq_stack(scans[k], 0, false, "Loop"));
      results.push_back(std::move(stacked));
    }
    return publish(ctx, std::move(results));
  }
};

}  // namespace

void register_loop(KernelRegistry& r) {
  r.add("", "Loop", [] { return std::make_unique<LoopKernel>(); });
}

}  // namespace qedge::ref
