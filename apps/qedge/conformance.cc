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

CaseResult run_data_set(const std::string& case_dir, const std::string& set_dir, const std::vector<std::string>& input_names,
                        const Tolerance& tol) {
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
  auto converted = convert_onnx_file(case_dir + "/model.onnx", options);
  if (!converted.ok()) return from_status(converted.status(), "convert");
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
    const std::string diff = compare(actual, expected.value(), tol);
    if (!diff.empty()) return failed("output " + std::to_string(k) + " ('" + session.output_name(k) + "'): " + diff);
  }
  return {CaseStatus::kPass, ""};
}

}  // namespace

namespace {
CaseResult run_case(const std::string& case_dir, const Tolerance& tol);
}  // namespace

CaseResult run_conformance_case(const std::string& case_dir, const Tolerance& tol) {
  try {
    return run_case(case_dir, tol);
  } catch (const std::bad_alloc&) {
    return failed("out of memory");
  } catch (const std::exception& e) {
    return failed(std::string("exception: ") + e.what());
  }
}

namespace {

CaseResult run_case(const std::string& case_dir, const Tolerance& tol) {
  onnx::ModelProto proto;
  Status s = conv::load_model_proto(case_dir + "/model.onnx", &proto);
  if (!s.ok()) return from_status(s, "load model.onnx");
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
  for (const std::string& set : sets) {
    CaseResult r = run_data_set(case_dir, set, input_names, tol);
    if (r.status != CaseStatus::kPass) return r;
  }
  return {CaseStatus::kPass, ""};
}

}  // namespace
}  // namespace qedge::cli
