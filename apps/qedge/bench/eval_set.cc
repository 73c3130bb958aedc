#include "bench/eval_set.h"

#include <cstring>

#include "bench/model_source.h"
#include "tensor_io.h"

namespace qedge::cli::bench {

Result<EvalSet> read_eval_set(const std::string& dir) {
  EvalSet set;
  set.dir = dir;
  auto inputs = read_tensor_file(dir + "/inputs.npy");
  if (!inputs.ok()) return inputs.status().with_context("eval set: ");
  auto labels = read_tensor_file(dir + "/labels.npy");
  if (!labels.ok()) return labels.status().with_context("eval set: ");
  if (inputs->dtype != DType::kFloat32 || inputs->shape.empty()) {
    return InvalidArgument(dir + "/inputs.npy must be float32 [N, ...]");
  }
  if (labels->dtype != DType::kInt64 || labels->shape.size() != 1) {
    return InvalidArgument(dir + "/labels.npy must be int64 [N]");
  }
  if (labels->shape[0] != inputs->shape[0]) {
    return InvalidArgument(dir + ": " + std::to_string(inputs->shape[0]) + " inputs but " +
                           std::to_string(labels->shape[0]) + " labels");
  }
  if (labels->shape[0] == 0) return InvalidArgument(dir + ": the eval set is empty");
  set.inputs = std::move(inputs).value();
  set.labels.resize(labels->shape[0]);
  std::memcpy(set.labels.data(), labels->bytes.data(), set.labels.size() * sizeof(int64_t));
  return set;
}

Result<std::vector<int64_t>> predict(Session& session, const EvalSet& set) {
  if (session.input_count() != 1) return Unsupported("eval sets need a model with exactly one input");
  qedge_tensor info;
  if (Error e = session.input_info(0, &info)) return InvalidArgument(e.message);
  if (info.dtype != QEDGE_FLOAT32) return Unsupported("eval sets need a float32 model input");
  Dims shape;
  for (int d = 0; d < info.rank; ++d) shape.push_back(info.dims[d] < 0 ? 1 : info.dims[d]);
  const int64_t per_sample = num_elements(set.inputs.shape) / set.inputs.shape[0];
  if (num_elements(shape) != per_sample) {
    return ShapeMismatch(set.dir + "/inputs.npy has samples of " + std::to_string(per_sample) + " values, but input '" +
                         session.input_name(0) + "' has shape " + dims_to_string(shape));
  }
  const size_t sample_bytes = static_cast<size_t>(per_sample) * sizeof(float);
  std::vector<int64_t> predicted;
  for (size_t i = 0; i < set.size(); ++i) {
    const uint8_t* sample = set.inputs.bytes.data() + i * sample_bytes;
    if (Error e = session.set_input(0, QEDGE_FLOAT32, shape, sample, sample_bytes)) return InvalidArgument(e.message);
    if (Error e = session.run()) return Internal("sample " + std::to_string(i) + ": " + e.message);
    qedge_tensor out;
    if (Error e = session.output(0, &out)) return Internal(e.message);
    TensorData t;
    t.dtype = static_cast<DType>(out.dtype);
    t.shape.assign(out.dims, out.dims + out.rank);
    const auto* p = static_cast<const uint8_t*>(out.data);
    t.bytes.assign(p, p + out.bytes);
    const int64_t n = num_elements(t.shape);
    if (n == 0) return InvalidArgument("output '" + session.output_name(0) + "' is empty: no class to predict");
    int64_t best = 0;
    for (int64_t k = 1; k < n; ++k) {
      if (element_as_double(t, k) > element_as_double(t, best)) best = k;
    }
    predicted.push_back(best);
  }
  return predicted;
}

Result<std::vector<int64_t>> predict_file(const std::string& model_path, const EvalSet& set, int threads) {
  QEDGE_ASSIGN_OR_RETURN(ModelSource src, prepare_model(model_path, "cpu"));
  Model model;
  if (Error e = model.load_file(src.qedge_path)) return InvalidModel(e.message);
  Session session;
  if (Error e = session.create(model, threads)) return InvalidArgument(e.message);
  return predict(session, set);
}

size_t count_equal(const std::vector<int64_t>& predicted, const std::vector<int64_t>& expected) {
  size_t n = 0;
  for (size_t i = 0; i < predicted.size() && i < expected.size(); ++i) n += predicted[i] == expected[i];
  return n;
}

}  // namespace qedge::cli::bench
