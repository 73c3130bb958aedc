#include "conformance.h"

#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sys/stat.h>
#include <vector>

#include "onnx/onnx_importer.h"
#include "qedge/converter/converter.h"
#include "qedge/qedge.hpp"
#include "qedge/runtime/model_file.h"
#include "quantized_compare.h"
#include "tensor_io.h"

namespace qedge::cli {
namespace {

bool exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

std::vector<std::string> data_sets(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name.rfind("test_data_set_", 0) == 0) out.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

CaseResult failed(const std::string& why) { return {CaseStatus::kFail, why}; }

CaseResult from_status(const Status& s, const std::string& stage) {
  if (s.code() == StatusCode::kUnsupported) return {CaseStatus::kUnsupported, stage + ": " + s.message()};
  return failed(stage + ": " + s.message());
}

CaseResult from_error(const Error& e, const std::string& stage) {
  if (e.code == QEDGE_ERR_UNSUPPORTED) return {CaseStatus::kUnsupported, stage + ": " + e.message};
  return failed(stage + ": " + e.message);
}

// numpy.testing.assert_allclose semantics: |actual - expected| <= atol + rtol * |expected|, NaNs equal.
std::string compare(const TensorData& actual, const TensorData& expected, const Tolerance& tol) {
  if (actual.dtype != expected.dtype) {
    return std::string("dtype ") + dtype_name(actual.dtype) + ", expected " + dtype_name(expected.dtype);
  }
  if (actual.shape != expected.shape) return "shape " + dims_to_string(actual.shape) + ", expected " + dims_to_string(expected.shape);
  const int64_t n = num_elements(expected.shape);
  int64_t bad = 0, first = -1;
  double worst = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double a = element_as_double(actual, i);
    const double e = element_as_double(expected, i);
    if (std::isnan(a) && std::isnan(e)) continue;
    if (std::isinf(e) && a == e) continue;
    const double diff = std::fabs(a - e);
    if (!(diff <= tol.atol + tol.rtol * std::fabs(e))) {
      if (first < 0) first = i;
      ++bad;
      worst = std::max(worst, std::isnan(diff) ? INFINITY : diff);
    }
  }
  if (bad == 0) return "";
  char buf[200];
  std::snprintf(buf, sizeof buf, "%lld of %lld elements differ (first at %lld: %.9g vs %.9g, max abs diff %.3g)",
                static_cast<long long>(bad), static_cast<long long>(n), static_cast<long long>(first),
                element_as_double(actual, first), element_as_double(expected, first), worst);
  return buf;
}

// The quantization steps of a converted model's outputs (empty when its bytes do not load: the session says why).
std::vector<OutputStep> converted_output_steps(const std::vector<uint8_t>& bytes) {
  auto file = rt::ModelFile::from_memory(bytes.data(), bytes.size(), /*copy=*/true);
  return file.ok() ? output_steps((*file)->model()) : std::vector<OutputStep>();
}

std::vector<double> values(const TensorData& t) {
  std::vector<double> v(static_cast<size_t>(num_elements(t.shape)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = element_as_double(t, static_cast<int64_t>(i));
  return v;
}

// An output that missed the tolerance: passes (counted in `r`) when it is quantized and every element is within
// one step. Returns the failure reason, or "" when it passes.
std::string judge_in_steps(const TensorData& actual, const TensorData& expected, const OutputStep& step,
                           const Tolerance& tol, const std::string& allclose_diff, CaseResult* r) {
  if (step.scale.empty() || actual.dtype != expected.dtype || actual.shape != expected.shape) return allclose_diff;
  const StepDiff d = diff_in_steps(values(actual), values(expected), expected.shape, step, tol);
  if (!d.error.empty()) return allclose_diff + "; the output is quantized but " + d.error;
  if (!d.within_one_step()) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "; max difference %.4g quantization steps (at element %lld; at most 1 is allowed)",
                  d.max_steps, static_cast<long long>(d.worst));
    return allclose_diff + buf;
  }
  r->step_diff_elements += d.differing;
  return "";
}

// Runs one data set; adds its one-step differences and argmax rows to `r`.
CaseResult run_data_set(const std::string& model_path, const std::string& set_dir, const std::vector<std::string>& input_names,
                        const Tolerance& tol, bool check_argmax, CaseResult* r) {
  std::vector<TensorData> inputs;
  ConvertOptions options;
  for (size_t k = 0; k < input_names.size(); ++k) {
    const std::string path = set_dir + "/input_" + std::to_string(k) + ".pb";
    if (!exists(path)) break;  // trailing optional inputs may be absent
    auto t = read_tensor_file(path);
    if (!t.ok()) return from_status(t.status(), "reading " + path);
    options.input_shapes[input_names[k]] = t->shape;
    inputs.push_back(std::move(t).value());
  }
  auto converted = convert_onnx_file(model_path, options);
  if (!converted.ok()) return from_status(converted.status(), "convert");
  const std::vector<OutputStep> steps = converted_output_steps(converted->bytes);
  Model model;
  if (Error e = model.load_memory(converted->bytes.data(), converted->bytes.size())) return from_error(e, "load");
  Session session;
  if (Error e = session.create(model)) return from_error(e, "session");
  for (size_t k = 0; k < inputs.size(); ++k) {
    const int index = session.input_index(input_names[k]);
    if (index < 0) continue;  // an input the model does not use was pruned
    if (Error e = session.set_input(index, static_cast<int32_t>(inputs[k].dtype), inputs[k].shape, inputs[k].bytes.data(),
                                    inputs[k].bytes.size())) {
      return from_error(e, "input '" + input_names[k] + "'");
    }
  }
  if (Error e = session.run()) return from_error(e, "run");
  for (int k = 0;; ++k) {
    const std::string path = set_dir + "/output_" + std::to_string(k) + ".pb";
    if (!exists(path)) {
      if (k != session.output_count()) {
        return failed("model has " + std::to_string(session.output_count()) + " outputs, reference has " + std::to_string(k));
      }
      break;
    }
    auto expected = read_tensor_file(path);
    if (!expected.ok()) return from_status(expected.status(), "reading " + path);
    if (k >= session.output_count()) return failed("reference has more outputs than the model");
    qedge_tensor out;
    if (Error e = session.output(k, &out)) return from_error(e, "output");
    TensorData actual;
    actual.dtype = static_cast<DType>(out.dtype);
    actual.shape.assign(out.dims, out.dims + out.rank);
    const auto* p = static_cast<const uint8_t*>(out.data);
    actual.bytes.assign(p, p + out.bytes);
    const std::string label = "output " + std::to_string(k) + " ('" + session.output_name(k) + "'): ";
    r->compared_elements += num_elements(expected->shape);
    std::string diff = compare(actual, expected.value(), tol);
    if (!diff.empty()) {
      const OutputStep none;
      diff = judge_in_steps(actual, *expected, k < static_cast<int>(steps.size()) ? steps[k] : none, tol, diff, r);
    }
    // With --argmax a classifier's verdict is reported even when its values already failed.
    if (check_argmax && actual.shape == expected->shape) {
      const ArgmaxCheck a = compare_argmax(values(actual), values(*expected), expected->shape);
      r->argmax_rows = std::max<int64_t>(r->argmax_rows, 0) + a.rows;
      r->argmax_mismatched += a.mismatched;
      const std::string rows = std::to_string(a.rows) + " rows";
      if (a.mismatched > 0) {
        diff += (diff.empty() ? "" : "; ") + std::string("argmax differs in ") + std::to_string(a.mismatched) + " of " + rows;
      } else if (!diff.empty()) {
        diff += "; argmax matches in " + std::to_string(a.rows) + " of " + rows;
      }
    }
    if (!diff.empty()) return failed(label + diff);
  }
  return {CaseStatus::kPass, ""};
}

// "(3 of 40 elements differ by one quantization step; argmax matches in 4 of 4 rows)", or "" when there is nothing to say.
std::string pass_note(const CaseResult& r) {
  std::string note;
  if (r.step_diff_elements > 0) {
    note = std::to_string(r.step_diff_elements) + " of " + std::to_string(r.compared_elements) +
           " elements differ by one quantization step";
  }
  if (r.argmax_rows >= 0) {
    note += (note.empty() ? "" : "; ") + std::string("argmax matches in ") + std::to_string(r.argmax_rows) + " of " +
            std::to_string(r.argmax_rows) + " rows";
  }
  return note.empty() ? note : "(" + note + ")";
}

}  // namespace

namespace {
CaseResult run_case(const std::string& case_dir, const Tolerance& tol, bool check_argmax);
}  // namespace

std::string case_model_path(const std::string& case_dir) {
  if (exists(case_dir + "/model.onnx")) return case_dir + "/model.onnx";
  if (data_sets(case_dir).empty()) return "";
  std::string found;
  if (DIR* d = opendir(case_dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".onnx") == 0) {
        found = found.empty() ? case_dir + "/" + name : "ambiguous";
      }
    }
    closedir(d);
  }
  return found == "ambiguous" ? "" : found;
}

CaseResult run_conformance_case(const std::string& case_dir, const Tolerance& tol, bool check_argmax) {
  try {
    return run_case(case_dir, tol, check_argmax);
  } catch (const std::bad_alloc&) {
    return failed("out of memory");
  } catch (const std::exception& e) {
    return failed(std::string("exception: ") + e.what());
  }
}

namespace {

CaseResult run_case(const std::string& case_dir, const Tolerance& tol, bool check_argmax) {
  const std::string model_path = case_model_path(case_dir);
  onnx::ModelProto proto;
  Status s = conv::load_model_proto(model_path, &proto);
  if (!s.ok()) return from_status(s, "load " + model_path);
  std::vector<std::string> input_names;
  for (const auto& in : proto.graph().input()) {
    bool is_initializer = false;
    for (const auto& init : proto.graph().initializer()) is_initializer |= init.name() == in.name();
    if (is_initializer) continue;
    if (!in.type().has_tensor_type()) {
      return {CaseStatus::kUnsupported, "input '" + in.name() + "' is not a tensor (sequence and optional types are not supported)"};
    }
    input_names.push_back(in.name());
  }
  for (const auto& out : proto.graph().output()) {
    if (!out.type().has_tensor_type()) {
      return {CaseStatus::kUnsupported, "output '" + out.name() + "' is not a tensor (sequence and optional types are not supported)"};
    }
  }
  const auto sets = data_sets(case_dir);
  if (sets.empty()) return failed("no test_data_set_* folder");
  CaseResult result{CaseStatus::kPass, ""};
  for (const std::string& set : sets) {
    CaseResult r = run_data_set(model_path, set, input_names, tol, check_argmax, &result);
    if (r.status != CaseStatus::kPass) {
      r.compared_elements = result.compared_elements;
      r.step_diff_elements = result.step_diff_elements;
      r.argmax_rows = result.argmax_rows;
      r.argmax_mismatched = result.argmax_mismatched;
      return r;
    }
  }
  result.reason = pass_note(result);
  return result;
}

}  // namespace
}  // namespace qedge::cli
