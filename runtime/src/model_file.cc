#include "qedge/runtime/model_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "model_validate.h"

namespace qedge::rt {

ModelFile::~ModelFile() {
  if (mapping_) munmap(mapping_, size_);
}

Result<std::unique_ptr<ModelFile>> ModelFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open model file " + path + ": " + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return IoError(path + " is not a regular file");
  }
  std::unique_ptr<ModelFile> m(new ModelFile());
  m->size_ = static_cast<size_t>(st.st_size);
  if (m->size_ > 0) {
    void* p = mmap(nullptr, m->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      return IoError("cannot map " + path + ": " + std::strerror(errno));
    }
    m->mapping_ = p;
    m->base_ = static_cast<const uint8_t*>(p);
  }
  ::close(fd);
  Status s = m->verify();
  if (!s.ok()) return s.with_context(path + ": ");
  return m;
}

Result<std::unique_ptr<ModelFile>> ModelFile::from_memory(const void* data, size_t size, bool copy) {
  if (data == nullptr && size > 0) return InvalidArgument("model data is null");
  std::unique_ptr<ModelFile> m(new ModelFile());
  m->size_ = size;
  if (copy) {
    void* p = std::aligned_alloc(format::kSegmentAlignment, format::align_up(std::max<size_t>(size, 1), format::kSegmentAlignment));
    if (!p) return Status(StatusCode::kOutOfMemory, "cannot allocate " + std::to_string(size) + " bytes for the model");
    if (size) std::memcpy(p, data, size);
    m->owned_ = std::unique_ptr<uint8_t[], void (*)(uint8_t*)>(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); });
    m->base_ = m->owned_.get();
  } else {
    if (reinterpret_cast<uintptr_t>(data) % format::kSegmentAlignment != 0) {
      return InvalidArgument("model data must be 64-byte aligned when not copied");
    }
    m->base_ = static_cast<const uint8_t*>(data);
  }
  QEDGE_RETURN_IF_ERROR(m->verify());
  return m;
}

Status ModelFile::verify() {
  if (size_ < 8) return InvalidModel("file is too small to be a .qedge model (" + std::to_string(size_) + " bytes)");
  uint32_t fb_size;
  std::memcpy(&fb_size, base_, 4);
  if (fb_size > size_ - 4) return InvalidModel("size prefix " + std::to_string(fb_size) + " exceeds the file size");
  if (!fb::ModelBufferHasIdentifier(base_ + 4)) return InvalidModel("not a .qedge file (missing 'QEDG' identifier)");
  flatbuffers::Verifier::Options opts;
  opts.max_depth = 64;
  opts.max_tables = 100'000'000;
  flatbuffers::Verifier verifier(base_, sizeof(uint32_t) + fb_size, opts);
  if (!fb::VerifySizePrefixedModelBuffer(verifier)) return InvalidModel("FlatBuffers verification failed: the file is corrupt");
  model_ = fb::GetSizePrefixedModel(base_);
  if (model_->schema_major() != format::kSchemaMajor) {
    return InvalidModel("schema major version " + std::to_string(model_->schema_major()) + " is not supported (this build reads " +
                        std::to_string(format::kSchemaMajor) + ")");
  }
  data_start_ = format::data_region_offset(fb_size);
  const size_t data_size = data_start_ <= size_ ? size_ - data_start_ : 0;
  return validate_model(*model_, data_size);
}

const uint8_t* ModelFile::segment_data(int index) const {
  return base_ + data_start_ + model_->segments()->Get(index)->offset();
}

}  // namespace qedge::rt
