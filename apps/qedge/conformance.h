// Runs one case of the ONNX backend-test layout (model.onnx + test_data_set_N/{input,output}_K.pb):
// convert, load, run, compare with ONNX's rules (assert_allclose with rtol/atol, exact dtype and shape).
// A quantized output (see quantized_compare.h) that misses the tolerance still passes when every element is within
// one quantization step of the reference; the result counts those elements.
#pragma once

#include <cstdint>
#include <string>

namespace qedge::cli {

enum class CaseStatus { kPass, kFail, kUnsupported };

struct CaseResult {
  CaseStatus status = CaseStatus::kFail;
  std::string reason;
  int64_t compared_elements = 0;   // output elements compared, over every data set
  int64_t step_diff_elements = 0;  // elements one quantization step off the reference (the case can still pass)
  int64_t argmax_rows = -1;        // rows whose argmax was compared (-1: not asked for)
  int64_t argmax_mismatched = 0;
};

struct Tolerance {
  double rtol = 1e-3;
  double atol = 1e-7;
};

// With `check_argmax`, every output's argmax along its last axis must also match the reference (classifiers).
CaseResult run_conformance_case(const std::string& case_dir, const Tolerance& tol, bool check_argmax);
// The model of a case folder: model.onnx, or else the only .onnx file beside test_data_set_* folders.
// Empty when the folder is not a case.
std::string case_model_path(const std::string& case_dir);

}  // namespace qedge::cli
