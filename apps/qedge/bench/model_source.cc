#include "bench/model_source.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "qedge/converter/converter.h"

namespace qedge::cli::bench {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

ModelSource::ModelSource(ModelSource&& o) noexcept
    : qedge_path(std::move(o.qedge_path)), temporary(o.temporary), convert_ms(o.convert_ms), onnx_bytes(o.onnx_bytes),
      file_bytes(o.file_bytes) {
  o.temporary = false;
}

ModelSource::~ModelSource() {
  if (temporary) ::unlink(qedge_path.c_str());
}

bool is_onnx_path(const std::string& path) { return ends_with(path, ".onnx"); }

std::optional<uint64_t> file_size(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return static_cast<uint64_t>(st.st_size);
}

Result<ModelSource> prepare_model(const std::string& path, const std::string& backend) {
  const auto size = file_size(path);
  if (!size) return IoError("cannot read model file " + path);
  ModelSource src;
  if (ends_with(path, ".qedge")) {
    src.qedge_path = path;
    src.file_bytes = *size;
    return src;
  }
  if (!is_onnx_path(path)) return InvalidArgument(path + ": a model must be an .onnx or .qedge file");
  ConvertOptions options;
  options.backend = backend;
  const auto t0 = std::chrono::steady_clock::now();
  auto result = convert_onnx_file(path, options);
  const auto t1 = std::chrono::steady_clock::now();
  if (!result.ok()) return result.status().with_context("converting " + path + ": ");
  const char* tmpdir = std::getenv("TMPDIR");
  std::string tmp = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/qedge-bench-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return IoError("cannot create a temporary file in " + tmp.substr(0, tmp.rfind('/')));
  ::close(fd);
  src.qedge_path = tmp;
  src.temporary = true;
  QEDGE_RETURN_IF_ERROR(write_model_file(tmp, result->bytes));
  src.convert_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  src.onnx_bytes = *size;
  src.file_bytes = result->bytes.size();
  return src;
}

}  // namespace qedge::cli::bench
