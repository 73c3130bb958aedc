#include "quantize/samples.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "tensor_io.h"

namespace qedge::cli::quantize {
namespace {

bool is_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_sample_file(const std::string& name) {
  auto ends = [&](const char* ext) {
    const size_t n = std::strlen(ext);
    return name.size() > n && name.compare(name.size() - n, n, ext) == 0;
  };
  return ends(".npy") || ends(".pb");
}

// Sample files of `dir`, sorted by name.
Result<std::vector<std::string>> list_samples(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return IoError("cannot open calibration folder " + dir + ": " + std::strerror(errno));
  std::vector<std::string> files;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (is_sample_file(name) && !is_dir(dir + "/" + name)) files.push_back(dir + "/" + name);
  }
  ::closedir(d);
  std::sort(files.begin(), files.end());
  return files;
}

std::string folder_name(std::string input) {
  std::replace_if(input.begin(), input.end(), [](char c) { return c == '/' || c == '\\' || c == ':'; }, '_');
  return input;
}

bool shape_fits(const Dims& declared, const Dims& got) {
  if (declared.size() != got.size()) return false;
  for (size_t d = 0; d < got.size(); ++d) {
    if (declared[d] >= 0 && declared[d] != got[d]) return false;
  }
  return true;
}

// numpy saves float64 unless told otherwise; a float32 input takes such samples rounded to float32.
TensorData to_float32(const TensorData& t) {
  TensorData out;
  out.dtype = DType::kFloat32;
  out.shape = t.shape;
  const int64_t n = num_elements(t.shape);
  out.bytes.resize(static_cast<size_t>(n) * sizeof(float));
  auto* p = reinterpret_cast<float*>(out.bytes.data());
  for (int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(element_as_double(t, i));
  return out;
}

}  // namespace

Result<SampleSource> SampleSource::from_folder(const std::string& dir, const std::vector<InputInfo>& inputs) {
  if (!is_dir(dir)) return IoError("calibration folder " + dir + " does not exist or is not a folder");
  SampleSource s;
  s.inputs_ = inputs;
  bool all_subfolders = true;
  for (const InputInfo& in : inputs) all_subfolders &= is_dir(dir + "/" + folder_name(in.name));
  if (all_subfolders) {
    for (const InputInfo& in : inputs) {
      QEDGE_ASSIGN_OR_RETURN(std::vector<std::string> files, list_samples(dir + "/" + folder_name(in.name)));
      s.files_.push_back(std::move(files));
    }
  } else if (inputs.size() == 1) {
    QEDGE_ASSIGN_OR_RETURN(std::vector<std::string> files, list_samples(dir));
    s.files_.push_back(std::move(files));
  } else {
    std::string missing;
    for (const InputInfo& in : inputs) {
      if (!is_dir(dir + "/" + folder_name(in.name))) missing += (missing.empty() ? "" : ", ") + folder_name(in.name);
    }
    return InvalidArgument("the model has " + std::to_string(inputs.size()) +
                           " inputs, so calibration folder " + dir + " needs one subfolder per input; missing: " +
                           missing);
  }
  for (size_t i = 0; i < s.files_.size(); ++i) {
    if (s.files_[i].size() != s.files_[0].size()) {
      return InvalidArgument("calibration folder " + dir + ": input '" + inputs[i].name + "' has " +
                             std::to_string(s.files_[i].size()) + " sample files but input '" + inputs[0].name +
                             "' has " + std::to_string(s.files_[0].size()));
    }
  }
  s.count_ = s.files_.empty() ? 0 : s.files_[0].size();
  if (s.count_ == 0) return InvalidArgument("calibration folder " + dir + " holds no .npy or .pb sample files");
  return s;
}

Result<SampleSource> SampleSource::random(int64_t count, uint64_t seed, const std::vector<InputInfo>& inputs) {
  for (const InputInfo& in : inputs) {
    if (in.dtype != DType::kFloat32) {
      return Unsupported(std::string("--random fills float32 inputs only; input '") + in.name + "' is " +
                         dtype_name(in.dtype) + " (use --calib DIR)");
    }
  }
  SampleSource s;
  s.inputs_ = inputs;
  s.count_ = static_cast<size_t>(count);
  s.seed_ = seed;
  return s;
}

TensorData SampleSource::random_tensor(size_t sample, size_t input) const {
  TensorData t;
  t.dtype = DType::kFloat32;
  for (int64_t d : inputs_[input].dims) t.shape.push_back(d < 0 ? 1 : d);
  const int64_t n = num_elements(t.shape);
  t.bytes.resize(static_cast<size_t>(n) * sizeof(float));
  std::seed_seq seq{static_cast<uint32_t>(seed_), static_cast<uint32_t>(seed_ >> 32), static_cast<uint32_t>(sample),
                    static_cast<uint32_t>(input)};
  std::mt19937 rng(seq);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  auto* p = reinterpret_cast<float*>(t.bytes.data());
  for (int64_t k = 0; k < n; ++k) p[k] = uni(rng);
  return t;
}

Result<std::vector<TensorData>> SampleSource::read(size_t i) const {
  std::vector<TensorData> out;
  for (size_t k = 0; k < inputs_.size(); ++k) {
    if (files_.empty()) {
      out.push_back(random_tensor(i, k));
      continue;
    }
    const std::string& file = files_[k][i];
    QEDGE_ASSIGN_OR_RETURN(TensorData t, read_tensor_file(file));
    const InputInfo& in = inputs_[k];
    if (in.dtype == DType::kFloat32 && (t.dtype == DType::kFloat64 || t.dtype == DType::kFloat16)) t = to_float32(t);
    if (t.dtype != in.dtype) {
      return InvalidArgument("calibration sample " + file + " is " + dtype_name(t.dtype) + " but input '" + in.name +
                             "' is " + dtype_name(in.dtype));
    }
    if (!shape_fits(in.dims, t.shape)) {
      return ShapeMismatch("calibration sample " + file + " has shape " + dims_to_string(t.shape) + " but input '" +
                           in.name + "' expects " + dims_to_string(in.dims) + " (one full input tensor per file)");
    }
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<TensorData>> SampleSource::get(size_t i) const {
  QEDGE_ASSIGN_OR_RETURN(std::vector<TensorData> sample, read(i));
  if (first_shapes_.empty()) {
    for (const TensorData& t : sample) first_shapes_.push_back(t.shape);
    return sample;
  }
  for (size_t k = 0; k < sample.size(); ++k) {
    if (sample[k].shape != first_shapes_[k]) {
      return ShapeMismatch("calibration sample " + files_[k][i] + " has shape " + dims_to_string(sample[k].shape) +
                           ", but the first sample of input '" + inputs_[k].name + "' has " +
                           dims_to_string(first_shapes_[k]) + " (all samples must have the same shape)");
    }
  }
  return sample;
}

}  // namespace qedge::cli::quantize
