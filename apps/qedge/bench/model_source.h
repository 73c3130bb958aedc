// A MODEL argument of `qedge bench` / `qedge eval` made loadable: a .qedge file as it is, an .onnx file converted
// on the fly (timed) into a temporary .qedge file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "qedge/kernel_api/status.h"

namespace qedge::cli::bench {

struct ModelSource {
  std::string qedge_path;               // the .qedge file to load
  bool temporary = false;               // qedge_path is ours to delete
  std::optional<double> convert_ms;     // set for .onnx inputs
  std::optional<uint64_t> onnx_bytes;   // size of the ONNX file, for .onnx inputs
  uint64_t file_bytes = 0;              // size of the .qedge file

  ModelSource() = default;
  ModelSource(const ModelSource&) = delete;
  ModelSource& operator=(const ModelSource&) = delete;
  ModelSource(ModelSource&& o) noexcept;
  ~ModelSource();
};

bool is_onnx_path(const std::string& path);

// .onnx: converted with `backend` preferred; .qedge: used as it is (its backends were chosen when it was converted).
Result<ModelSource> prepare_model(const std::string& path, const std::string& backend);

// Size of a file in bytes, or nullopt when it cannot be read.
std::optional<uint64_t> file_size(const std::string& path);

}  // namespace qedge::cli::bench
