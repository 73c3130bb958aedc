#include "model_bytes.h"

#include <algorithm>
#include <cstring>

#include "qedge/kernel_api/dtype.h"

namespace qedge::cli {
namespace {

int storage_bits(const fb::Tensor& t) {
  if (t.layout() == fb::StorageLayout::PACKED_BITS && t.quant()) return t.quant()->bit_width();
  return dtype_bits(static_cast<DType>(t.dtype()));
}

}  // namespace

const char* layout_name(const fb::Tensor& t) {
  return t.layout() == fb::StorageLayout::PACKED_BITS ? "packed" : "natural";
}

ModelBytes account_bytes(const rt::ModelFile& file) {
  const fb::Model& m = file.model();
  ModelBytes b;
  b.file = file.size();
  uint32_t fb_size;
  std::memcpy(&fb_size, file.data(), sizeof fb_size);
  b.flatbuffer = sizeof fb_size + uint64_t{fb_size};
  const size_t n_segments = m.segments() ? m.segments()->size() : 0;
  if (n_segments == 0) {
    b.padding = b.file - b.flatbuffer;
    b.tensors.resize(m.tensors() ? m.tensors()->size() : 0);
    return b;
  }

  // Each segment's span runs to the next segment's start (the last one's to the end of the file).
  const uint64_t data_start = format::data_region_offset(fb_size);
  b.padding = data_start - b.flatbuffer;
  std::vector<uint32_t> order(n_segments);
  for (uint32_t i = 0; i < n_segments; ++i) order[i] = i;
  auto seg = [&](uint32_t i) { return m.segments()->Get(i); };
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return seg(x)->offset() != seg(y)->offset() ? seg(x)->offset() < seg(y)->offset() : seg(x)->size() < seg(y)->size();
  });
  b.padding += seg(order[0])->offset();
  std::vector<uint64_t> span(n_segments);
  for (size_t k = 0; k < n_segments; ++k) {
    const uint64_t end = k + 1 < n_segments ? seg(order[k + 1])->offset() : b.file - data_start;
    span[order[k]] = end - seg(order[k])->offset();
    b.padding += span[order[k]] > seg(order[k])->size() ? span[order[k]] - seg(order[k])->size() : 0;
  }

  std::vector<int> bits_of_segment(n_segments, 0);
  const size_t n_tensors = m.tensors() ? m.tensors()->size() : 0;
  b.tensors.resize(n_tensors);
  for (size_t i = 0; i < n_tensors; ++i) {
    const fb::Tensor& t = *m.tensors()->Get(i);
    if (t.kind() != fb::TensorKind::CONSTANT) continue;
    const auto s = static_cast<uint32_t>(t.segment());  // validated: a constant's segment exists
    ConstantBytes& c = b.tensors[i];
    c.storage_bits = storage_bits(t);
    c.payload = seg(s)->size();
    c.segment = std::max(span[s], c.payload);
    if (bits_of_segment[s] == 0) bits_of_segment[s] = c.storage_bits;
  }
  for (uint32_t s = 0; s < n_segments; ++s) {
    b.payload += seg(s)->size();
    b.payload_by_bits[bits_of_segment[s]] += seg(s)->size();
  }
  return b;
}

}  // namespace qedge::cli
