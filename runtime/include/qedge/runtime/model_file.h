// A verified .qedge model in memory: the mapped (or owned) bytes plus views into them. Used by the C API
// and by tools (qedge inspect) that read the graph itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "qedge/format/format.h"
#include "qedge/kernel_api/status.h"

namespace qedge::rt {

class ModelFile {
 public:
  ~ModelFile();
  ModelFile(const ModelFile&) = delete;
  ModelFile& operator=(const ModelFile&) = delete;

  // Maps `path` read-only and verifies it. There is no unverified path.
  static Result<std::unique_ptr<ModelFile>> open(const std::string& path);
  // Verifies bytes in memory; copies them when `copy` (else they must outlive the model, 64-byte aligned).
  static Result<std::unique_ptr<ModelFile>> from_memory(const void* data, size_t size, bool copy);

  const fb::Model& model() const { return *model_; }
  // Start of constant segment `index` (validated).
  const uint8_t* segment_data(int index) const;
  size_t size() const { return size_; }
  // The whole file: [uint32 size prefix][FlatBuffer][padding][data region] (for byte accounting in tools).
  const uint8_t* data() const { return base_; }

 private:
  ModelFile() = default;
  Status verify();

  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
  size_t data_start_ = 0;
  void* mapping_ = nullptr;     // munmap on destruction
  std::unique_ptr<uint8_t[], void (*)(uint8_t*)> owned_{nullptr, nullptr};
  const fb::Model* model_ = nullptr;
};

}  // namespace qedge::rt
