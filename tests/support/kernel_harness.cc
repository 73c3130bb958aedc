#include "kernel_harness.h"

#include "qedge/cpu_ref/ref_kernels.h"

namespace qedge::testing {

const KernelRegistry& ref_registry() {
  static const KernelRegistry registry = [] {
    KernelRegistry r;
    ref::register_all(r);
    return r;
  }();
  return registry;
}

Result<std::vector<TensorData>> run_ref_kernel(const std::string& op, const AttrMap& attrs,
                                               const std::vector<std::optional<TensorData>>& inputs,
                                               int num_outputs, int opset, const std::string& domain,
                                               SubgraphRunner* subgraphs) {
  KernelRun run;
  run.num_outputs = num_outputs;
  run.opset = opset;
  run.domain = domain;
  run.subgraphs = subgraphs;
  return run_kernel(ref_registry(), op, attrs, inputs, run);
}

Result<std::vector<TensorData>> run_kernel(const KernelRegistry& registry, const std::string& op, const AttrMap& attrs,
                                           const std::vector<std::optional<TensorData>>& inputs, const KernelRun& run) {
  const int num_outputs = run.num_outputs;
  const std::string& domain = run.domain;
  const KernelFactory* factory = registry.find(domain, op);
  if (!factory) return Unsupported("no kernel for " + op);
  std::unique_ptr<OpKernel> kernel = (*factory)();

  std::vector<Tensor> in_views;
  in_views.reserve(inputs.size());
  for (const auto& in : inputs) in_views.push_back(in ? in->view() : Tensor{});
  for (size_t i : run.constant_inputs) {
    if (i < in_views.size()) in_views[i].constant = true;
  }
  std::vector<Tensor> out_views(num_outputs);

  KernelContext ctx;
  ctx.op_type = op;
  ctx.domain = domain;
  ctx.opset = run.opset;
  ctx.attrs = &attrs;
  ctx.subgraphs = run.subgraphs;
  ctx.threads = run.threads;
  for (size_t i = 0; i < inputs.size(); ++i) ctx.inputs.push_back(inputs[i] ? &in_views[i] : nullptr);
  for (auto& o : out_views) ctx.outputs.push_back(&o);

  QEDGE_RETURN_IF_ERROR(kernel->prepare(ctx));
  std::vector<TensorData> outs(num_outputs);
  for (int i = 0; i < num_outputs; ++i) {
    outs[i].dtype = out_views[i].dtype;
    outs[i].shape = out_views[i].shape;
    outs[i].bytes.assign(out_views[i].nbytes(), 0);
    out_views[i].data = outs[i].bytes.data();
  }
  QEDGE_RETURN_IF_ERROR(kernel->run(ctx));
  return outs;
}

}  // namespace qedge::testing
