#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "../support/kernel_harness.h"
#include "../support/model_fixtures.h"
#include "qedge/qedge.h"
#include "qedge/runtime/model_file.h"

namespace qedge::testing {
namespace {

// Copies into 64-byte aligned storage, as a mapped file would be.
struct Aligned {
  explicit Aligned(const std::vector<uint8_t>& b) : size(b.size()) {
    data = static_cast<uint8_t*>(std::aligned_alloc(64, (b.size() + 63) / 64 * 64 + 64));
    if (!b.empty()) std::memcpy(data, b.data(), b.size());
  }
  ~Aligned() { std::free(data); }
  fb::Model* model() { return fb::GetMutableSizePrefixedModel(data); }
  Status load() { return rt::ModelFile::from_memory(data, size, false).status(); }
  uint8_t* data;
  size_t size;
};

OnnxBuilder model_with_big_constant() {
  OnnxBuilder b;
  b.input("x", DType::kFloat32, {100});
  std::vector<float> w(100);
  for (int i = 0; i < 100; ++i) w[i] = static_cast<float>(i) * 0.5f;
  b.initializer("w", make_tensor<float>(DType::kFloat32, {100}, w));
  b.initializer("b", make_tensor<float>(DType::kFloat32, {1}, {3.0f}));
  b.node("Add", {"x", "w"}, {"t"}, "add_w");
  b.node("Add", {"t", "b"}, {"y"}, "add_b");
  b.output("y", DType::kFloat32);
  return b;
}

TEST(Format, RoundTripKeepsConstantsAlignedAndExact) {
  auto bytes = convert_to_bytes(model_with_big_constant());
  Aligned a(bytes);
  auto file = rt::ModelFile::from_memory(a.data, a.size, false);
  ASSERT_TRUE(file.ok()) << file.status().message();
  const fb::Model& m = (*file)->model();
  EXPECT_EQ(m.schema_major(), format::kSchemaMajor);
  int constants = 0;
  for (const fb::Tensor* t : *m.tensors()) {
    if (t->kind() != fb::TensorKind::CONSTANT) continue;
    ++constants;
    const uint8_t* p = (*file)->segment_data(t->segment());
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
    if (t->name()->str() == "w") {
      float v;
      std::memcpy(&v, p + 4 * 7, 4);
      EXPECT_EQ(v, 3.5f);
    }
  }
  EXPECT_EQ(constants, 2);
}

TEST(Format, VerifierRejectsWrongIdentifierAndVersion) {
  auto bytes = convert_to_bytes(add_relu_model());
  {
    Aligned a(bytes);
    a.data[4 + 4] = 'X';  // the identifier sits after the size prefix and root offset
    Status s = a.load();
    EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
    EXPECT_NE(s.message().find("identifier"), std::string::npos) << s.message();
  }
  {
    Aligned a(bytes);
    ASSERT_TRUE(a.model()->mutate_schema_major(99));
    Status s = a.load();
    EXPECT_NE(s.message().find("schema major version 99"), std::string::npos) << s.message();
  }
}

TEST(Format, ValidationRejectsOutOfRangeReferences) {
  const auto bytes = convert_to_bytes(model_with_big_constant());
  auto expect_invalid = [&](auto mutate, const char* needle) {
    Aligned a(bytes);
    mutate(a.model());
    Status s = a.load();
    EXPECT_EQ(s.code(), StatusCode::kInvalidModel) << needle;
    EXPECT_NE(s.message().find(needle), std::string::npos) << s.message();
  };
  expect_invalid([](fb::Model* m) { m->mutable_graphs()->GetMutableObject(0)->mutable_nodes()->GetMutableObject(0)->mutable_inputs()->Mutate(0, 999); },
                 "refers to tensor 999");
  expect_invalid([](fb::Model* m) { m->mutable_segments()->GetMutableObject(0)->mutate_offset(1 << 20); },
                 "outside the data region");
  expect_invalid([](fb::Model* m) { m->mutable_segments()->GetMutableObject(0)->mutate_size(12); }, "needs");
  expect_invalid([](fb::Model* m) { m->mutable_plan()->mutate_arena_bytes(64); }, "outside the arena");
  expect_invalid([](fb::Model* m) {
    // The second node reads the first node's output; make the first node read the second's.
    auto* nodes = m->mutable_graphs()->GetMutableObject(0)->mutable_nodes();
    nodes->GetMutableObject(0)->mutable_inputs()->Mutate(0, nodes->Get(1)->outputs()->Get(0));
  }, "before it is produced");
  expect_invalid([](fb::Model* m) {
    for (size_t i = 0; i < m->tensors()->size(); ++i) {
      auto* t = m->mutable_tensors()->GetMutableObject(i);
      if (t->shape() && t->shape()->size()) t->mutable_shape()->Mutate(0, -7);
    }
  }, "invalid dimension");
}

TEST(Shape, ElementCountOfEmptyShapeWithHugeDimsIsZero) {
  const Dims dims = {int64_t{1} << 40, int64_t{1} << 40, 0};
  EXPECT_EQ(checked_num_elements(dims).value(), 0);
  EXPECT_EQ(num_elements(dims), 0);  // overflowed (UB) before the fix
}

TEST(Format, TruncatedAndBitFlippedFilesGiveErrorsNotCrashes) {
  const auto bytes = convert_to_bytes(model_with_big_constant());
  for (size_t len = 0; len < bytes.size(); len += (len < 1024 ? 1 : 61)) {
    Aligned a(std::vector<uint8_t>(bytes.begin(), bytes.begin() + len));
    EXPECT_FALSE(a.load().ok()) << "truncated to " << len << " bytes";
  }
  std::mt19937 rng(1234);
  int rejected = 0;
  const int kTrials = 3000;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<uint8_t> corrupt = bytes;
    const int flips = 1 + trial % 4;
    for (int f = 0; f < flips; ++f) corrupt[rng() % corrupt.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    qedge_model* m = nullptr;
    if (qedge_model_load_memory(corrupt.data(), corrupt.size(), 1, &m) != QEDGE_OK) {
      ++rejected;
      continue;
    }
    // A file that still verifies must also be safe to run.
    qedge_session* s = nullptr;
    if (qedge_session_create(m, nullptr, &s) == QEDGE_OK) {
      std::vector<float> x(100, 1.0f);
      const int64_t dims[1] = {100};
      if (qedge_session_set_input(s, 0, QEDGE_FLOAT32, dims, 1, x.data(), x.size() * 4) == QEDGE_OK) {
        (void)qedge_session_run(s);
      }
      qedge_session_free(s);
    }
    qedge_model_free(m);
  }
  EXPECT_GT(rejected, kTrials / 10);
}

}  // namespace
}  // namespace qedge::testing
