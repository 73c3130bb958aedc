// A thin header-only C++ wrapper over the C API (qedge.h): RAII handles and std::string errors, no exceptions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "qedge/qedge.h"

namespace qedge {

// The outcome of a call: a code and, on failure, the message.
struct Error {
  qedge_status code = QEDGE_OK;
  std::string message;
  explicit operator bool() const { return code != QEDGE_OK; }
};

inline Error check(qedge_status s) { return s == QEDGE_OK ? Error{} : Error{s, qedge_last_error()}; }

class Model {
 public:
  Error load_file(const std::string& path) { return load([&](qedge_model** m) { return qedge_model_load_file(path.c_str(), m); }); }
  Error load_memory(const void* data, size_t size) {
    return load([&](qedge_model** m) { return qedge_model_load_memory(data, size, 1, m); });
  }
  const qedge_model* get() const { return model_.get(); }

 private:
  template <typename F>
  Error load(F&& f) {
    qedge_model* m = nullptr;
    Error e = check(f(&m));
    if (!e) model_.reset(m);
    return e;
  }
  std::unique_ptr<qedge_model, void (*)(qedge_model*)> model_{nullptr, qedge_model_free};
};

class Session {
 public:
  Error create(const Model& model, int num_threads = 1, bool profile = false) {
    qedge_session_options opts{num_threads, profile ? 1 : 0};
    qedge_session* s = nullptr;
    Error e = check(qedge_session_create(model.get(), &opts, &s));
    if (!e) session_.reset(s);
    return e;
  }
  int input_count() const { return qedge_session_input_count(session_.get()); }
  int output_count() const { return qedge_session_output_count(session_.get()); }
  std::string input_name(int i) const { return name_or_empty(qedge_session_input_name(session_.get(), i)); }
  std::string output_name(int i) const { return name_or_empty(qedge_session_output_name(session_.get(), i)); }
  int input_index(const std::string& name) const { return qedge_session_input_index(session_.get(), name.c_str()); }
  Error input_info(int i, qedge_tensor* info) const { return check(qedge_session_input_info(session_.get(), i, info)); }
  Error set_input(int i, int32_t dtype, const std::vector<int64_t>& dims, const void* data, size_t bytes) {
    return check(qedge_session_set_input(session_.get(), i, dtype, dims.data(), static_cast<int32_t>(dims.size()), data, bytes));
  }
  Error run() { return check(qedge_session_run(session_.get())); }
  Error output(int i, qedge_tensor* out) const { return check(qedge_session_get_output(session_.get(), i, out)); }
  qedge_session* get() const { return session_.get(); }

 private:
  static std::string name_or_empty(const char* s) { return s ? s : ""; }
  std::unique_ptr<qedge_session, void (*)(qedge_session*)> session_{nullptr, qedge_session_free};
};

}  // namespace qedge
