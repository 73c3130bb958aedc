// Runs one reference kernel on owned tensors: the building block of kernel unit tests.
#pragma once

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::testing {

template <typename T>
TensorData make_tensor(DType dtype, Dims shape, const std::vector<T>& values) {
  TensorData t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

template <typename T>
std::vector<T> values_of(const TensorData& t) {
  std::vector<T> v(t.bytes.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), t.bytes.data(), v.size() * sizeof(T));
  return v;
}

// Prepares and runs the reference kernel for `op` (default domain unless `domain` is given).
// Omitted optional inputs are std::nullopt. `subgraphs` serves control-flow kernels (null, as in the converter).
Result<std::vector<TensorData>> run_ref_kernel(const std::string& op, const AttrMap& attrs,
                                               const std::vector<std::optional<TensorData>>& inputs,
                                               int num_outputs = 1, int opset = 22,
                                               const std::string& domain = "", SubgraphRunner* subgraphs = nullptr);

// The reference kernels, registered once.
const KernelRegistry& ref_registry();

// How run_kernel calls a kernel.
struct KernelRun {
  int num_outputs = 1;
  int opset = 22;
  std::string domain;
  SubgraphRunner* subgraphs = nullptr;
  ThreadPool* threads = nullptr;
  // Indices of the inputs given to the kernel as model constants (Tensor::constant), as the runtime marks them.
  std::vector<size_t> constant_inputs;
};

// Prepares and runs the kernel `registry` has for `op` (run_ref_kernel with any registry and a thread pool).
Result<std::vector<TensorData>> run_kernel(const KernelRegistry& registry, const std::string& op, const AttrMap& attrs,
                                           const std::vector<std::optional<TensorData>>& inputs, const KernelRun& run);


}  // namespace qedge::testing
