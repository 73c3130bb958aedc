// Bit-packed constants at load: a kernel that does not read the packed form (here qedge Dequantize) gets the
// elements unpacked, and the validator refuses packed tensors that are not constants.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "qedge/format/format.h"
#include "qedge/qedge.hpp"
#include "qedge/quant/packing.h"

namespace qedge {
namespace {

// c (int8, `bits`-bit packed or bipolar, constant) -> qedge.Dequantize(scale 0.5) -> y; `kind` is c's tensor kind.
std::vector<uint8_t> build(const std::vector<int32_t>& values, int bits, bool bipolar, fb::TensorKind kind) {
  flatbuffers::FlatBufferBuilder b;
  const std::vector<int64_t> shape = {static_cast<int64_t>(values.size())};
  const std::vector<float> scale = {0.5f}, zero = {0.0f};
  auto quant = fb::CreateQuantization(b, static_cast<uint8_t>(bits), true, false, bipolar, b.CreateVector(scale),
                                      b.CreateVector(zero));
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors = {
      fb::CreateTensor(b, b.CreateString("c"), fb::DataType::INT8, b.CreateVector(shape), true, kind,
                       kind == fb::TensorKind::CONSTANT ? 0 : -1, kind == fb::TensorKind::CONSTANT ? -1 : 0, quant,
                       fb::StorageLayout::PACKED_BITS),
      fb::CreateTensor(b, b.CreateString("y"), fb::DataType::FLOAT, b.CreateVector(shape), true,
                       fb::TensorKind::ACTIVATION, -1, 64)};
  std::vector<flatbuffers::Offset<fb::Attribute>> attrs = {
      fb::CreateAttribute(b, b.CreateString("scale"), fb::AttributeType::FLOATS, 0, 0, 0, 0, b.CreateVector(scale)),
      fb::CreateAttribute(b, b.CreateString("zero_point"), fb::AttributeType::FLOATS, 0, 0, 0, 0, b.CreateVector(zero))};
  const std::vector<int32_t> in = {0}, out = {1}, none = {};
  auto node = fb::CreateNode(b, b.CreateString("dq"), b.CreateString("Dequantize"), b.CreateString("qedge"), 1,
                             b.CreateVector(in), b.CreateVector(out), b.CreateVector(attrs), b.CreateString("cpu"));
  std::vector<flatbuffers::Offset<fb::Node>> nodes = {node};
  auto graph = fb::CreateGraph(b, b.CreateString("main"), b.CreateVector(nodes),
                               b.CreateVector(kind == fb::TensorKind::CONSTANT ? none : in), b.CreateVector(out));
  std::vector<flatbuffers::Offset<fb::Graph>> graphs = {graph};
  std::vector<uint8_t> packed(quant::packed_size(values.size(), bits));
  if (bipolar) {
    quant::pack_bipolar(values.data(), values.size(), packed.data());
  } else {
    quant::pack_bits(values.data(), values.size(), bits, true, packed.data());
  }
  std::vector<fb::Segment> segments = {fb::Segment(0, packed.size())};
  auto model = fb::CreateModel(b, format::kSchemaMajor, format::kSchemaMinor, b.CreateString("test"),
                               b.CreateVector(graphs), b.CreateVector(tensors), b.CreateVectorOfStructs(segments),
                               fb::CreateMemoryPlan(b, 128));
  b.FinishSizePrefixed(model, fb::ModelIdentifier());
  const size_t data_start = format::data_region_offset(b.GetSize() - sizeof(uint32_t));
  std::vector<uint8_t> file(data_start + packed.size(), 0);
  std::memcpy(file.data(), b.GetBufferPointer(), b.GetSize());
  std::memcpy(file.data() + data_start, packed.data(), packed.size());
  return file;
}

std::vector<float> run(const std::vector<uint8_t>& file, size_t n) {
  Model model;
  Error e = model.load_memory(file.data(), file.size());
  EXPECT_FALSE(e) << e.message;
  Session session;
  e = session.create(model);
  EXPECT_FALSE(e) << e.message;
  EXPECT_FALSE(session.run());
  qedge_tensor out{};
  EXPECT_FALSE(session.output(0, &out));
  const float* p = static_cast<const float*>(out.data);
  return p ? std::vector<float>(p, p + n) : std::vector<float>();
}

TEST(PackedConstant, UnpackedForKernelsThatReadNaturalElements) {
  const std::vector<int32_t> v = {-4, 3, 0, -1, 2, 1, -3};  // 3-bit signed, straddling bytes
  EXPECT_EQ(run(build(v, 3, false, fb::TensorKind::CONSTANT), v.size()),
            (std::vector<float>{-2.0f, 1.5f, 0.0f, -0.5f, 1.0f, 0.5f, -1.5f}));
}

TEST(PackedConstant, BipolarBitsMeanPlusAndMinusOne) {
  const std::vector<int32_t> v = {1, -1, -1, 1, 1, 1, -1, 1, -1};
  EXPECT_EQ(run(build(v, 1, true, fb::TensorKind::CONSTANT), v.size()),
            (std::vector<float>{0.5f, -0.5f, -0.5f, 0.5f, 0.5f, 0.5f, -0.5f, 0.5f, -0.5f}));
}

TEST(PackedConstant, PackedInputsAreRejected) {
  const std::vector<uint8_t> file = build({1, 2}, 4, false, fb::TensorKind::INPUT);
  Model model;
  Error e = model.load_memory(file.data(), file.size());
  ASSERT_TRUE(e);
  EXPECT_NE(e.message.find("bit-packed but is not a constant"), std::string::npos) << e.message;
}

}  // namespace
}  // namespace qedge
