// Calibration samples: one full tensor per model input per sample, read from a folder or drawn at random.
//
// Folder layout (--calib DIR): for a single-input model, DIR holds one .npy or .pb (ONNX TensorProto) file per
// sample; for any model, DIR may instead hold one subfolder per input, named after the input ('/', '\' and ':'
// in the name replaced by '_'), each with one file per sample. Files are taken in name order, and the i-th file
// of every subfolder makes up sample i, so every subfolder needs the same number of files. float64 and float16
// samples of a float32 input are converted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "qedge/kernel_api/status.h"
#include "qedge/kernel_api/tensor.h"

namespace qedge::cli::quantize {

// A graph input as the model declares it (-1 for a dynamic dimension).
struct InputInfo {
  std::string name;
  DType dtype = DType::kFloat32;
  Dims dims;
};

class SampleSource {
 public:
  static Result<SampleSource> from_folder(const std::string& dir, const std::vector<InputInfo>& inputs);
  // `count` samples of uniform values in [-1, 1) for float32 inputs (dynamic dimensions = 1); sample i depends
  // only on (seed, i).
  static Result<SampleSource> random(int64_t count, uint64_t seed, const std::vector<InputInfo>& inputs);

  size_t size() const { return count_; }
  // Sample i, one tensor per input in input order. Checks dtype and shape against the model and against
  // sample 0 (every sample must have the same shapes); errors name the file.
  Result<std::vector<TensorData>> get(size_t i) const;

 private:
  Result<std::vector<TensorData>> read(size_t i) const;
  TensorData random_tensor(size_t sample, size_t input) const;

  std::vector<InputInfo> inputs_;
  size_t count_ = 0;
  std::vector<std::vector<std::string>> files_;  // files_[input][sample]; empty for random samples
  uint64_t seed_ = 0;
  mutable std::vector<Dims> first_shapes_;
};

}  // namespace qedge::cli::quantize
