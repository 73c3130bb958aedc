// The C boundary: Status values become qedge_status codes plus a thread-local message. No exception
// crosses it.
#include <cstring>
#include <new>
#include <string>

#include "qedge/runtime/model_file.h"
#include "qedge/qedge.h"
#include "session.h"

struct qedge_model {
  std::unique_ptr<qedge::rt::ModelFile> file;
};

struct qedge_session {
  std::unique_ptr<qedge::rt::Session> session;
};

namespace {

thread_local std::string g_last_error;

qedge_status fail(const qedge::Status& s) {
  g_last_error = s.message();
  switch (s.code()) {
    case qedge::StatusCode::kOk: return QEDGE_OK;
    case qedge::StatusCode::kInvalidArgument: return QEDGE_ERR_INVALID_ARGUMENT;
    case qedge::StatusCode::kInvalidModel: return QEDGE_ERR_INVALID_MODEL;
    case qedge::StatusCode::kUnsupported: return QEDGE_ERR_UNSUPPORTED;
    case qedge::StatusCode::kIoError: return QEDGE_ERR_IO;
    case qedge::StatusCode::kOutOfMemory: return QEDGE_ERR_OUT_OF_MEMORY;
    case qedge::StatusCode::kShapeMismatch: return QEDGE_ERR_SHAPE_MISMATCH;
    default: return QEDGE_ERR_INTERNAL;
  }
}

qedge_status null_arg(const char* what) { return fail(qedge::InvalidArgument(std::string(what) + " is null")); }

template <typename F>
qedge_status guarded(F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return fail(qedge::Status(qedge::StatusCode::kOutOfMemory, "out of memory"));
  } catch (const std::exception& e) {
    return fail(qedge::Internal(e.what()));
  }
}

void fill_tensor(const qedge::Tensor& t, qedge_tensor* out) {
  out->dtype = static_cast<int32_t>(t.dtype);
  out->rank = static_cast<int32_t>(t.shape.size());
  out->dims = t.shape.data();
  out->data = t.data;
  out->bytes = t.nbytes();
}

}  // namespace

extern "C" {

const char* qedge_version(void) { return "0.1.0"; }
const char* qedge_last_error(void) { return g_last_error.c_str(); }

qedge_status qedge_model_load_file(const char* path, qedge_model** out_model) {
  if (!path) return null_arg("path");
  if (!out_model) return null_arg("out_model");
  *out_model = nullptr;
  return guarded([&] {
    auto file = qedge::rt::ModelFile::open(path);
    if (!file.ok()) return fail(file.status());
    *out_model = new qedge_model{std::move(file).value()};
    return QEDGE_OK;
  });
}

qedge_status qedge_model_load_memory(const void* data, size_t size, int copy, qedge_model** out_model) {
  if (!out_model) return null_arg("out_model");
  *out_model = nullptr;
  return guarded([&] {
    auto file = qedge::rt::ModelFile::from_memory(data, size, copy != 0);
    if (!file.ok()) return fail(file.status());
    *out_model = new qedge_model{std::move(file).value()};
    return QEDGE_OK;
  });
}

void qedge_model_free(qedge_model* model) { delete model; }

qedge_status qedge_session_create(const qedge_model* model, const qedge_session_options* options,
                                  qedge_session** out_session) {
  if (!model) return null_arg("model");
  if (!out_session) return null_arg("out_session");
  *out_session = nullptr;
  return guarded([&] {
    qedge::rt::SessionOptions opts;
    if (options) {
      if (options->num_threads < 0 || options->num_threads > 256) {
        return fail(qedge::InvalidArgument("num_threads must be between 0 and 256"));
      }
      opts.num_threads = options->num_threads > 0 ? options->num_threads : 1;
      opts.profile = options->profile != 0;
    }
    auto s = qedge::rt::Session::create(*model->file, opts, qedge::builtin_backends());
    if (!s.ok()) return fail(s.status());
    *out_session = new qedge_session{std::move(s).value()};
    return QEDGE_OK;
  });
}

void qedge_session_free(qedge_session* session) { delete session; }

int32_t qedge_session_input_count(const qedge_session* s) { return s ? s->session->num_inputs() : 0; }
int32_t qedge_session_output_count(const qedge_session* s) { return s ? s->session->num_outputs() : 0; }

const char* qedge_session_input_name(const qedge_session* s, int32_t index) {
  if (!s || index < 0 || index >= s->session->num_inputs()) return nullptr;
  return s->session->input(index).name.c_str();
}

const char* qedge_session_output_name(const qedge_session* s, int32_t index) {
  if (!s || index < 0 || index >= s->session->num_outputs()) return nullptr;
  return s->session->output(index).name.c_str();
}

int32_t qedge_session_input_index(const qedge_session* s, const char* name) {
  return s && name ? s->session->input_index(name) : -1;
}

int32_t qedge_session_output_index(const qedge_session* s, const char* name) {
  return s && name ? s->session->output_index(name) : -1;
}

qedge_status qedge_session_input_info(const qedge_session* s, int32_t index, qedge_tensor* out) {
  if (!s) return null_arg("session");
  if (!out) return null_arg("out_info");
  if (index < 0 || index >= s->session->num_inputs()) {
    return fail(qedge::InvalidArgument("input index " + std::to_string(index) + " is out of range"));
  }
  const qedge::Dims& dims = s->session->declared_input_shape(index);
  out->dtype = static_cast<int32_t>(s->session->input(index).tensor.dtype);
  out->rank = static_cast<int32_t>(dims.size());
  out->dims = dims.data();
  out->data = nullptr;
  out->bytes = 0;
  return QEDGE_OK;
}

qedge_status qedge_session_set_input(qedge_session* s, int32_t index, int32_t dtype, const int64_t* dims, int32_t rank,
                                     const void* data, size_t bytes) {
  if (!s) return null_arg("session");
  if (!data && bytes > 0) return null_arg("data");
  if (index < 0 || index >= s->session->num_inputs()) {
    return fail(qedge::InvalidArgument("input index " + std::to_string(index) + " is out of range"));
  }
  if (rank < 0 || (rank > 0 && !dims && rank != static_cast<int32_t>(s->session->declared_input_shape(index).size()))) {
    return fail(qedge::InvalidArgument("invalid rank " + std::to_string(rank)));
  }
  if (!qedge::dtype_is_valid(dtype)) return fail(qedge::InvalidArgument("invalid dtype " + std::to_string(dtype)));
  return guarded([&] {
    qedge::Dims shape = dims ? qedge::Dims(dims, dims + rank) : s->session->declared_input_shape(index);
    qedge::Status st = s->session->set_input(index, static_cast<qedge::DType>(dtype), shape, data, bytes);
    return st.ok() ? QEDGE_OK : fail(st);
  });
}

qedge_status qedge_session_run(qedge_session* s) {
  if (!s) return null_arg("session");
  return guarded([&] {
    qedge::Status st = s->session->run();
    return st.ok() ? QEDGE_OK : fail(st);
  });
}

qedge_status qedge_session_get_output(const qedge_session* s, int32_t index, qedge_tensor* out) {
  if (!s) return null_arg("session");
  if (!out) return null_arg("out_tensor");
  if (index < 0 || index >= s->session->num_outputs()) {
    return fail(qedge::InvalidArgument("output index " + std::to_string(index) + " is out of range"));
  }
  if (!s->session->outputs_valid()) return fail(qedge::InvalidArgument("no successful run yet: outputs are not available"));
  fill_tensor(s->session->output(index).tensor, out);
  return QEDGE_OK;
}

int32_t qedge_session_profile_count(const qedge_session* s) {
  return s ? static_cast<int32_t>(s->session->profile().size()) : 0;
}

qedge_status qedge_session_profile_entry(const qedge_session* s, int32_t index, const char** node_name,
                                         const char** op_type, const char** backend, double* ms) {
  if (!s) return null_arg("session");
  const auto& p = s->session->profile();
  if (index < 0 || index >= static_cast<int32_t>(p.size())) {
    return fail(qedge::InvalidArgument("profile index " + std::to_string(index) + " is out of range"));
  }
  if (node_name) *node_name = p[index].node.c_str();
  if (op_type) *op_type = p[index].op_type.c_str();
  if (backend) *backend = p[index].backend.c_str();
  if (ms) *ms = p[index].ms;
  return QEDGE_OK;
}

uint64_t qedge_session_arena_bytes(const qedge_session* s) { return s ? s->session->arena_bytes() : 0; }

}  // extern "C"
