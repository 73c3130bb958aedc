// Runs one case of the ONNX backend-test layout (model.onnx + test_data_set_N/{input,output}_K.pb):
// convert, load, run, compare with ONNX's rules (assert_allclose with rtol/atol, exact dtype and shape).
#pragma once

#include <string>

namespace qedge::cli {

enum class CaseStatus { kPass, kFail, kUnsupported };

struct CaseResult {
  CaseStatus status = CaseStatus::kFail;
  std::string reason;
};

struct Tolerance {
  double rtol = 1e-3;
  double atol = 1e-7;
};

CaseResult run_conformance_case(const std::string& case_dir, const Tolerance& tol);

}  // namespace qedge::cli
