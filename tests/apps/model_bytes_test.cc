// Byte accounting of qedge inspect on a hand-built file with bit-packed constants (the converter does not write
// PACKED_BITS yet): payloads are ceil(elements * bits / 8), and FlatBuffer + padding + payloads = file size.
#include "model_bytes.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace qedge::cli {
namespace {

struct Constant {
  fb::DataType dtype;
  int64_t elements;
  int packed_bits;  // 0: natural layout
  uint64_t bytes;
};

// [size prefix][FlatBuffer][zero padding][segments at multiples of 64]; graph 0 returns its input.
std::vector<uint8_t> build_file(const std::vector<Constant>& constants) {
  flatbuffers::FlatBufferBuilder b;
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
  const std::vector<int64_t> in_shape = {2};
  tensors.push_back(fb::CreateTensor(b, b.CreateString("x"), fb::DataType::FLOAT, b.CreateVector(in_shape), true,
                                     fb::TensorKind::INPUT));
  std::vector<fb::Segment> segments;
  uint64_t offset = 0;
  for (size_t i = 0; i < constants.size(); ++i) {
    const Constant& c = constants[i];
    const std::vector<int64_t> shape = {c.elements};
    const std::vector<float> scale = {0.5f};
    flatbuffers::Offset<fb::Quantization> quant = 0;
    if (c.packed_bits) quant = fb::CreateQuantization(b, static_cast<uint8_t>(c.packed_bits), true, false, false, b.CreateVector(scale));
    tensors.push_back(fb::CreateTensor(b, b.CreateString("c" + std::to_string(i)), c.dtype, b.CreateVector(shape), true,
                                       fb::TensorKind::CONSTANT, static_cast<int>(i), -1, quant,
                                       c.packed_bits ? fb::StorageLayout::PACKED_BITS : fb::StorageLayout::NATURAL));
    segments.emplace_back(offset, c.bytes);
    offset = format::align_up(offset + c.bytes, format::kSegmentAlignment);
  }
  const std::vector<int32_t> io = {0};
  auto graph = fb::CreateGraph(b, b.CreateString("main"), 0, b.CreateVector(io), b.CreateVector(io));
  std::vector<flatbuffers::Offset<fb::Graph>> graphs = {graph};
  auto model = fb::CreateModel(b, format::kSchemaMajor, format::kSchemaMinor, b.CreateString("test"), b.CreateVector(graphs),
                               b.CreateVector(tensors), b.CreateVectorOfStructs(segments));
  b.FinishSizePrefixed(model, fb::ModelIdentifier());
  const size_t data_start = format::data_region_offset(b.GetSize() - sizeof(uint32_t));
  const uint64_t data_end = segments.back().offset() + segments.back().size();
  std::vector<uint8_t> file(data_start + data_end, 0);
  std::memcpy(file.data(), b.GetBufferPointer(), b.GetSize());
  return file;
}

TEST(ModelBytes, PackedConstantsCostTheirBitWidth) {
  // 10 x 4 bits = 5 bytes, 3 x 3 bits = 2 bytes, 100 x 1 bit = 13 bytes, 5 floats = 20 bytes.
  const std::vector<Constant> constants = {{fb::DataType::INT8, 10, 4, 5},
                                           {fb::DataType::UINT8, 3, 3, 2},
                                           {fb::DataType::INT8, 100, 1, 13},
                                           {fb::DataType::FLOAT, 5, 0, 20}};
  const std::vector<uint8_t> bytes = build_file(constants);
  auto file = rt::ModelFile::from_memory(bytes.data(), bytes.size(), /*copy=*/true);
  ASSERT_TRUE(file.ok()) << file.status().message();
  const ModelBytes b = account_bytes(**file);

  EXPECT_EQ(b.file, bytes.size());
  EXPECT_EQ(b.payload, 5u + 2u + 13u + 20u);
  EXPECT_EQ(b.file, b.flatbuffer + b.padding + b.payload);
  const std::map<int, uint64_t> by_bits = {{1, 13}, {3, 2}, {4, 5}, {32, 20}};
  EXPECT_EQ(b.payload_by_bits, by_bits);
  ASSERT_EQ(b.tensors.size(), 5u);
  EXPECT_EQ(b.tensors[0].payload, 0u);  // the input
  const int bits[] = {4, 3, 1, 32};
  for (size_t i = 0; i < constants.size(); ++i) {
    EXPECT_EQ(b.tensors[i + 1].storage_bits, bits[i]);
    EXPECT_EQ(b.tensors[i + 1].payload, constants[i].bytes);
    // Every segment but the last is padded to 64 bytes; the file ends with the last payload.
    EXPECT_EQ(b.tensors[i + 1].segment, i + 1 < constants.size() ? 64u : constants[i].bytes);
  }
  EXPECT_EQ(b.padding, (format::data_region_offset(b.flatbuffer - 4) - b.flatbuffer) + (64 - 5) + (64 - 2) + (64 - 13));
}

}  // namespace
}  // namespace qedge::cli
