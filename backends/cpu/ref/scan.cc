// Scan: body(states..., scan slices...) -> (states..., scan output slices...), iterated over the
// scan axis of the scan inputs. Opset 9+ reads scan_input_axes/directions and scan_output_axes/
// directions; opset 8 has a leading batch axis on every input and output, an optional
// sequence_lens input (shorter sequences are zero-padded in the outputs) and `directions`.
#include <vector>

#include "common/dispatch.h"
#include "common/seq_control.h"

namespace qedge::ref {
namespace {

struct ScanInput {
  const TensorData* data;
  int axis;
  bool reverse;
};

class ScanKernel : public SeqControlKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(need_graph(ctx, "body", &body_));
    const int64_t scan_inputs = ctx.attr().get_int("num_scan_inputs", -1);
    const int first = ctx.opset < 9 ? 1 : 0;  // opset 8's input 0 is sequence_lens
    const int states = ctx.num_inputs() - first - static_cast<int>(scan_inputs);
    if (scan_inputs < 1 || states < 0 || ctx.subgraphs->num_inputs(body_) != states + scan_inputs ||
        ctx.subgraphs->num_outputs(body_) != ctx.num_outputs() || ctx.num_outputs() < states) {
      return InvalidModel("Scan num_scan_inputs " + std::to_string(scan_inputs) + " does not fit " +
                          std::to_string(ctx.num_inputs()) + " inputs / " + std::to_string(ctx.num_outputs()) +
                          " outputs and a body with " + std::to_string(ctx.subgraphs->num_inputs(body_)) + " inputs");
    }
    states_ = states;
    scan_outputs_ = ctx.num_outputs() - states;
    std::vector<TensorData> inputs;
    for (int i = first; i < ctx.num_inputs(); ++i) {
      if (ctx.input(i) == nullptr) return InvalidModel("Scan input " + std::to_string(i) + " is missing");
      QEDGE_RETURN_IF_ERROR(require_value(ctx, i));
      inputs.push_back(seq_copy_tensor(*ctx.input(i)));
    }
    std::vector<TensorData> results;
    QEDGE_RETURN_IF_ERROR(ctx.opset < 9 ? scan_batched(ctx, inputs, &results) : scan_v9(ctx, inputs, &results));
    return publish(ctx, std::move(results));
  }

 private:
  Status scan_v9(KernelContext& ctx, const std::vector<TensorData>& inputs, std::vector<TensorData>* results) {
    const int m = static_cast<int>(inputs.size()) - states_;
    const std::vector<int64_t> in_axes = ctx.attr().get_ints("scan_input_axes", std::vector<int64_t>(m, 0));
    const std::vector<int64_t> in_dirs = ctx.attr().get_ints("scan_input_directions", std::vector<int64_t>(m, 0));
    out_axes_ = ctx.attr().get_ints("scan_output_axes", std::vector<int64_t>(scan_outputs_, 0));
    out_dirs_ = ctx.attr().get_ints("scan_output_directions", std::vector<int64_t>(scan_outputs_, 0));
    if (static_cast<int>(in_axes.size()) != m || static_cast<int>(in_dirs.size()) != m ||
        static_cast<int>(out_axes_.size()) != scan_outputs_ || static_cast<int>(out_dirs_.size()) != scan_outputs_) {
      return InvalidModel("Scan scan_input/output axes and directions must have one entry per scan input/output");
    }
    std::vector<ScanInput> scans;
    int64_t len = -1;
    for (int i = 0; i < m; ++i) {
      const TensorData& t = inputs[states_ + i];
      QEDGE_ASSIGN_OR_RETURN(int axis, normalize_axis(in_axes[i], static_cast<int>(t.shape.size()), "scan_input_axes"));
      if (len >= 0 && t.shape[axis] != len) {
        return ShapeMismatch("Scan inputs have different sequence lengths: " + std::to_string(len) + " and " +
                             std::to_string(t.shape[axis]));
      }
      len = t.shape[axis];
      scans.push_back({&t, axis, in_dirs[i] != 0});
    }
    std::vector<TensorData> states(inputs.begin(), inputs.begin() + states_);
    std::vector<TensorData> stacked;
    QEDGE_RETURN_IF_ERROR(iterate(ctx, &states, scans, len, true, &stacked));
    *results = std::move(states);
    results->insert(results->end(), stacked.begin(), stacked.end());
    return Status::Ok();
  }

  // Opset 8: runs the opset-9 recurrence per batch entry, then stacks the batch back.
  Status scan_batched(KernelContext& ctx, const std::vector<TensorData>& inputs, std::vector<TensorData>* results) {
    const int m = static_cast<int>(inputs.size()) - states_;
    const std::vector<int64_t> dirs = ctx.attr().get_ints("directions", std::vector<int64_t>(m, 0));
    if (static_cast<int>(dirs.size()) != m) return InvalidModel("Scan directions needs one entry per scan input");
    for (const TensorData& t : inputs) {
      if (t.shape.empty() || t.shape[0] != inputs[0].shape[0] ||
          (&t - inputs.data() >= states_ && t.shape.size() < 2)) {
        return ShapeMismatch("Scan (opset 8) inputs need a common batch axis 0 and scan axis 1, got " +
                             dims_to_string(t.shape));
      }
    }
    const int64_t batch = inputs[0].shape[0];
    const int64_t seq = inputs[states_].shape[1];
    std::vector<int64_t> lens(static_cast<size_t>(batch), seq);
    if (const Tensor* l = ctx.input(0)) {
      QEDGE_RETURN_IF_ERROR(require_value(ctx, 0));
      if (l->numel() != batch) return ShapeMismatch("Scan sequence_lens must have one entry per batch");
      QEDGE_RETURN_IF_ERROR(read_int_values(l->dtype, l->data, batch, "Scan sequence_lens", &lens));
    }
    out_axes_.assign(scan_outputs_, 0);
    out_dirs_.assign(scan_outputs_, 0);
    std::vector<std::vector<TensorData>> per_output(static_cast<size_t>(states_ + scan_outputs_));
    for (int64_t b = 0; b < batch; ++b) {
      if (lens[b] < 0 || lens[b] > seq) {
        return InvalidArgument("Scan sequence_lens value " + std::to_string(lens[b]) + " is outside [0, " +
                               std::to_string(seq) + "]");
      }
      std::vector<TensorData> slices;
      for (const TensorData& t : inputs) {
        QEDGE_ASSIGN_OR_RETURN(TensorData s, seq_slice(t, 0, b, "Scan"));
        slices.push_back(std::move(s));
      }
      std::vector<TensorData> states(slices.begin(), slices.begin() + states_);
      std::vector<ScanInput> scans;
      for (int i = 0; i < m; ++i) scans.push_back({&slices[states_ + i], 0, dirs[i] != 0});
      std::vector<TensorData> stacked;
      QEDGE_RETURN_IF_ERROR(iterate(ctx, &states, scans, lens[b], false, &stacked));
      for (int i = 0; i < states_; ++i) per_output[i].push_back(std::move(states[i]));
      for (int k = 0; k < scan_outputs_; ++k) {
        // Zero-pad the per-batch output [len, ...] to [seq, ...] (axis 0 is outermost).
        TensorData& t = stacked[k];
        const size_t row = t.shape[0] > 0 ? t.bytes.size() / static_cast<size_t>(t.shape[0]) : 0;
        t.bytes.resize(row * static_cast<size_t>(seq), 0);
        t.shape[0] = seq;
        per_output[states_ + k].push_back(std::move(t));
      }
    }
    for (auto& items : per_output) {
      QEDGE_ASSIGN_OR_RETURN(TensorData t, seq_stack(items, 0, false, "Scan"));
      results->push_back(std::move(t));
    }
    return Status::Ok();
  }

  // Runs the body len times, updating states and stacking the scan outputs per out_axes_/out_dirs_.
  Status iterate(KernelContext& ctx, std::vector<TensorData>* states, const std::vector<ScanInput>& scans, int64_t len,
                 bool use_out_axes, std::vector<TensorData>* stacked) {
    if (len == 0) return Unsupported("Scan over an empty sequence has no output shape");
    std::vector<std::vector<TensorData>> items(static_cast<size_t>(scan_outputs_));
    for (int64_t t = 0; t < len; ++t) {
      std::vector<TensorData> ins = *states;
      for (const ScanInput& s : scans) {
        QEDGE_ASSIGN_OR_RETURN(TensorData slice, seq_slice(*s.data, s.axis, s.reverse ? len - 1 - t : t, "Scan"));
        ins.push_back(std::move(slice));
      }
      std::vector<TensorData> outs;
      QEDGE_RETURN_IF_ERROR(seq_run_graph(ctx, body_, ins, states_ + scan_outputs_, &outs));
      for (int i = 0; i < states_; ++i) (*states)[i] = std::move(outs[i]);
      for (int k = 0; k < scan_outputs_; ++k) items[k].push_back(std::move(outs[states_ + k]));
    }
    for (int k = 0; k < scan_outputs_; ++k) {
      const int rank = static_cast<int>(items[k][0].shape.size()) + 1;
      QEDGE_ASSIGN_OR_RETURN(int axis, normalize_axis(use_out_axes ? out_axes_[k] : 0, rank, "scan_output_axes"));
      QEDGE_ASSIGN_OR_RETURN(TensorData t, seq_stack(items[k], axis, out_dirs_[k] != 0, "Scan"));
      stacked->push_back(std::move(t));
    }
    return Status::Ok();
  }

  int body_ = -1;
  int states_ = 0, scan_outputs_ = 0;
  std::vector<int64_t> out_axes_, out_dirs_;
};

}  // namespace

void register_scan(KernelRegistry& r) {
  r.add("", "Scan", [] { return std::make_unique<ScanKernel>(); });
}

}  // namespace qedge::ref
