// Runs an ONNX model with qedge itself while exposing intermediate tensors: a copy of the model lists the
// tapped tensors as extra graph outputs (their types are left to the converter's shape inference), is written
// to a scratch folder, converted and loaded.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"
#include "qedge/kernel_api/status.h"
#include "qedge/kernel_api/tensor.h"
#include "qedge/qedge.hpp"

namespace qedge::cli::quantize {

// A private scratch folder under $TMPDIR (or /tmp), removed with everything in it when this goes away.
class ScratchDir {
 public:
  static Result<std::unique_ptr<ScratchDir>> create();
  ~ScratchDir();
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// A tensor's values as float32 (other numeric types converted).
std::vector<float> as_floats(const TensorData& t);

class TappedModel {
 public:
  // `what` names the model in errors ("float model", "quantized model"); `input_shapes` pins input shapes.
  static Result<std::unique_ptr<TappedModel>> create(const onnx::ModelProto& model, const std::vector<std::string>& taps,
                                                     const std::map<std::string, Dims>& input_shapes,
                                                     const ScratchDir& scratch, const std::string& what,
                                                     int threads);

  // Runs on one sample (tensors in graph-input order, as `input_names`).
  Status run(const std::vector<std::string>& input_names, const std::vector<TensorData>& inputs);
  // A tapped tensor or graph output of the last run.
  Result<TensorData> output(const std::string& name) const;

 private:
  TappedModel() = default;
  std::string what_;
  Model model_;
  Session session_;
  std::map<std::string, int> output_index_;
};

}  // namespace qedge::cli::quantize
