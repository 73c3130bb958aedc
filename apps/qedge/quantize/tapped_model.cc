#include "quantize/tapped_model.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <set>

#include "qedge/converter/converter.h"
#include "tensor_io.h"

namespace qedge::cli::quantize {

Result<std::unique_ptr<ScratchDir>> ScratchDir::create() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/qedge-quantize-XXXXXX";
  if (!::mkdtemp(pattern.data())) return IoError("cannot create a scratch folder " + pattern + ": " + std::strerror(errno));
  return std::unique_ptr<ScratchDir>(new ScratchDir(pattern));
}

ScratchDir::~ScratchDir() {
  // Only files are created here, never subfolders.
  if (DIR* d = ::opendir(path_.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, "..")) ::unlink((path_ + "/" + e->d_name).c_str());
    }
    ::closedir(d);
  }
  ::rmdir(path_.c_str());
}

Result<std::unique_ptr<TappedModel>> TappedModel::create(const onnx::ModelProto& model,
                                                         const std::vector<std::string>& taps,
                                                         const std::map<std::string, Dims>& input_shapes,
                                                         const ScratchDir& scratch, const std::string& what,
                                                         int threads) {
  // The extra outputs travel as a second, tiny ModelProto appended to the serialized model: protobuf merges
  // concatenated messages (repeated fields append), so the model, weights and all, is never copied in memory.
  onnx::ModelProto extra;
  std::set<std::string> exposed;
  for (const auto& in : model.graph().input()) exposed.insert(in.name());
  for (const auto& out : model.graph().output()) exposed.insert(out.name());
  for (const std::string& t : taps) {
    if (exposed.insert(t).second) extra.mutable_graph()->add_output()->set_name(t);
  }
  std::string file = what;
  for (char& c : file) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  const std::string path = scratch.path() + "/" + file + ".onnx";
  {
    std::ofstream out(path, std::ios::binary);
    if (!out || !model.SerializeToOstream(&out) || !extra.SerializeToOstream(&out) || !out.flush()) {
      return IoError("cannot write the " + what + " to " + path + " (is the model over 2 GB?)");
    }
  }
  ConvertOptions options;
  options.input_shapes = input_shapes;
  auto converted = convert_onnx_file(path, options);
  ::unlink(path.c_str());
  if (!converted.ok()) return converted.status().with_context("cannot convert the " + what + ": ");
  std::unique_ptr<TappedModel> m(new TappedModel());
  m->what_ = what;
  if (Error e = m->model_.load_memory(converted->bytes.data(), converted->bytes.size())) {
    return Internal("cannot load the converted " + what + ": " + e.message);
  }
  if (Error e = m->session_.create(m->model_, threads)) return Internal("cannot start the " + what + ": " + e.message);
  for (int i = 0; i < m->session_.output_count(); ++i) m->output_index_[m->session_.output_name(i)] = i;
  return m;
}

Status TappedModel::run(const std::vector<std::string>& input_names, const std::vector<TensorData>& inputs) {
  for (size_t k = 0; k < inputs.size(); ++k) {
    const int index = session_.input_index(input_names[k]);
    if (index < 0) return Internal("the " + what_ + " has no input '" + input_names[k] + "'");
    const TensorData& t = inputs[k];
    if (Error e = session_.set_input(index, static_cast<int32_t>(t.dtype), t.shape, t.bytes.data(), t.bytes.size())) {
      return InvalidArgument("input '" + input_names[k] + "' of the " + what_ + ": " + e.message);
    }
  }
  if (Error e = session_.run()) return InvalidArgument("running the " + what_ + " failed: " + e.message);
  return Status::Ok();
}

Result<TensorData> TappedModel::output(const std::string& name) const {
  auto it = output_index_.find(name);
  if (it == output_index_.end()) return Internal("the " + what_ + " has no output '" + name + "'");
  qedge_tensor out;
  if (Error e = session_.output(it->second, &out)) return Internal(e.message);
  TensorData t;
  t.dtype = static_cast<DType>(out.dtype);
  t.shape.assign(out.dims, out.dims + out.rank);
  const auto* p = static_cast<const uint8_t*>(out.data);
  t.bytes.assign(p, p + out.bytes);
  return t;
}

std::vector<float> as_floats(const TensorData& t) {
  std::vector<float> values(static_cast<size_t>(num_elements(t.shape)));
  if (t.dtype == DType::kFloat32) {
    std::memcpy(values.data(), t.bytes.data(), values.size() * sizeof(float));
  } else {
    for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(element_as_double(t, static_cast<int64_t>(i)));
  }
  return values;
}

}  // namespace qedge::cli::quantize
