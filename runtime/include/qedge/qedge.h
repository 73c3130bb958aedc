/* qedge C API: load a .qedge model, create a session, set inputs, run, read outputs.
 *
 * Every function that can fail returns a qedge_status; on failure qedge_last_error() gives a message
 * (thread-local, valid until the next failing call on the same thread). Objects are opaque and freed
 * with their _free function. A session is used by one thread at a time. */
#ifndef QEDGE_QEDGE_H_
#define QEDGE_QEDGE_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qedge_status {
  QEDGE_OK = 0,
  QEDGE_ERR_INVALID_ARGUMENT = 1, /* bad argument: unknown input name, wrong shape or size */
  QEDGE_ERR_INVALID_MODEL = 2,    /* the file is corrupt or inconsistent */
  QEDGE_ERR_UNSUPPORTED = 3,      /* valid, but this build cannot run it */
  QEDGE_ERR_IO = 4,               /* file could not be read */
  QEDGE_ERR_OUT_OF_MEMORY = 5,
  QEDGE_ERR_SHAPE_MISMATCH = 6,
  QEDGE_ERR_INTERNAL = 7
} qedge_status;

/* Element types; values are ONNX TensorProto.DataType numbers. */
typedef enum qedge_dtype {
  QEDGE_FLOAT32 = 1, QEDGE_UINT8 = 2, QEDGE_INT8 = 3, QEDGE_UINT16 = 4, QEDGE_INT16 = 5, QEDGE_INT32 = 6,
  QEDGE_INT64 = 7, QEDGE_BOOL = 9, QEDGE_FLOAT16 = 10, QEDGE_FLOAT64 = 11, QEDGE_UINT32 = 12, QEDGE_UINT64 = 13,
  QEDGE_BFLOAT16 = 16, QEDGE_UINT4 = 21, QEDGE_INT4 = 22
} qedge_dtype;

typedef struct qedge_model qedge_model;
typedef struct qedge_session qedge_session;

/* A tensor as seen through the API. For outputs, `data` and `dims` belong to the session and stay valid
 * until the next qedge_session_run or qedge_session_free. */
typedef struct qedge_tensor {
  int32_t dtype;        /* a qedge_dtype */
  int32_t rank;
  const int64_t* dims;  /* rank entries; -1 for a dimension known only at run time (in input info) */
  const void* data;
  size_t bytes;
} qedge_tensor;

typedef struct qedge_session_options {
  int32_t num_threads;  /* 0 or 1: single-threaded */
  int32_t profile;      /* non-zero: time every node */
} qedge_session_options;

/* "0.1.0" */
const char* qedge_version(void);
/* Message of the last failure on this thread ("" if none). */
const char* qedge_last_error(void);

/* Maps and verifies a .qedge file. The file is checked completely before this returns. */
qedge_status qedge_model_load_file(const char* path, qedge_model** out_model);
/* Verifies a model in memory. The bytes are copied when copy != 0; otherwise they must outlive the model
 * and start at a 64-byte aligned address. */
qedge_status qedge_model_load_memory(const void* data, size_t size, int copy, qedge_model** out_model);
void qedge_model_free(qedge_model* model);

qedge_status qedge_session_create(const qedge_model* model, const qedge_session_options* options,
                                  qedge_session** out_session);
void qedge_session_free(qedge_session* session);

int32_t qedge_session_input_count(const qedge_session* session);
int32_t qedge_session_output_count(const qedge_session* session);
/* Name of input/output `index`, or NULL when out of range. */
const char* qedge_session_input_name(const qedge_session* session, int32_t index);
const char* qedge_session_output_name(const qedge_session* session, int32_t index);
/* Index of the input/output with this name, or -1. */
int32_t qedge_session_input_index(const qedge_session* session, const char* name);
int32_t qedge_session_output_index(const qedge_session* session, const char* name);
/* Declared dtype and shape of input `index` (data is NULL). */
qedge_status qedge_session_input_info(const qedge_session* session, int32_t index, qedge_tensor* out_info);

/* Copies `bytes` of data into input `index`, with the given shape (dims may be NULL for the declared shape). */
qedge_status qedge_session_set_input(qedge_session* session, int32_t index, int32_t dtype, const int64_t* dims,
                                     int32_t rank, const void* data, size_t bytes);
qedge_status qedge_session_run(qedge_session* session);
/* Output `index` of the last successful run (QEDGE_ERR_INVALID_ARGUMENT before one, or after a failed run). */
qedge_status qedge_session_get_output(const qedge_session* session, int32_t index, qedge_tensor* out_tensor);

/* Per-node profile of the last run (options.profile != 0): node count, then each node's name, op type,
 * backend and milliseconds. */
int32_t qedge_session_profile_count(const qedge_session* session);
qedge_status qedge_session_profile_entry(const qedge_session* session, int32_t index, const char** node_name,
                                         const char** op_type, const char** backend, double* milliseconds);
/* Bytes of the activation arena planned for this model. */
uint64_t qedge_session_arena_bytes(const qedge_session* session);

#ifdef __cplusplus
}
#endif

#endif /* QEDGE_QEDGE_H_ */
