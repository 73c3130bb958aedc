/* Embedding qedge from C: load a model, feed one input, run, print the first output.
 * Usage: embed MODEL.qedge
 * The input is filled with 0.5 (any declared dynamic dimension is taken as 1). */
#include <stdio.h>
#include <stdlib.h>

#include "qedge/qedge.h"

static int check(qedge_status s, const char* what) {
  if (s != QEDGE_OK) fprintf(stderr, "%s failed (%d): %s\n", what, (int)s, qedge_last_error());
  return s == QEDGE_OK;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODEL.qedge\n", argv[0]);
    return 2;
  }
  qedge_model* model = NULL;
  qedge_session* session = NULL;
  int ok = check(qedge_model_load_file(argv[1], &model), "load");
  qedge_session_options options = {1, 0};
  ok = ok && check(qedge_session_create(model, &options, &session), "session");

  qedge_tensor info;
  ok = ok && check(qedge_session_input_info(session, 0, &info), "input info");
  if (ok && info.dtype != QEDGE_FLOAT32) {
    fprintf(stderr, "this example feeds float32 inputs only\n");
    ok = 0;
  }
  int64_t dims[16];
  size_t count = 1;
  for (int32_t d = 0; ok && d < info.rank && d < 16; ++d) {
    dims[d] = info.dims[d] < 0 ? 1 : info.dims[d];
    count *= (size_t)dims[d];
  }
  float* data = ok ? malloc(count * sizeof(float)) : NULL;
  for (size_t i = 0; data && i < count; ++i) data[i] = 0.5f;
  ok = ok && data && check(qedge_session_set_input(session, 0, QEDGE_FLOAT32, dims, info.rank, data, count * sizeof(float)), "set input");
  ok = ok && check(qedge_session_run(session), "run");

  qedge_tensor out;
  ok = ok && check(qedge_session_get_output(session, 0, &out), "output");
  if (ok) {
    printf("%s:", qedge_session_output_name(session, 0));
    for (int32_t d = 0; d < out.rank; ++d) printf(" %lld", (long long)out.dims[d]);
    if (out.dtype == QEDGE_FLOAT32) {
      const float* values = (const float*)out.data;
      for (size_t i = 0; i < out.bytes / sizeof(float) && i < 10; ++i) printf("%s%g", i ? " " : " = ", values[i]);
    }
    printf("\n");
  }
  free(data);
  qedge_session_free(session);
  qedge_model_free(model);
  return ok ? 0 : 1;
}
