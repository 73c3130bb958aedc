#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <vector>

#include "../support/model_fixtures.h"
#include "qedge/qedge.h"
#include "qedge/qedge.hpp"

namespace qedge::testing {
namespace {

std::vector<float> run_add_relu(Session& s, const std::vector<int64_t>& dims, const std::vector<float>& x) {
  EXPECT_FALSE(s.set_input(0, QEDGE_FLOAT32, dims, x.data(), x.size() * 4));
  Error e = s.run();
  EXPECT_FALSE(e) << e.message;
  qedge_tensor out;
  EXPECT_FALSE(s.output(0, &out));
  const auto* p = static_cast<const float*>(out.data);
  return std::vector<float>(p, p + out.bytes / 4);
}

TEST(CApi, RunsAModelFromMemory) {
  auto bytes = convert_to_bytes(add_relu_model());
  Model model;
  ASSERT_FALSE(model.load_memory(bytes.data(), bytes.size()));
  Session s;
  ASSERT_FALSE(s.create(model));
  EXPECT_EQ(s.input_count(), 1);
  EXPECT_EQ(s.input_name(0), "x");
  EXPECT_EQ(s.output_name(0), "y");
  EXPECT_EQ(s.input_index("x"), 0);
  EXPECT_EQ(s.input_index("nope"), -1);
  EXPECT_EQ(run_add_relu(s, {2, 3}, {0, 0, 0, 1, 3, -1}), (std::vector<float>{1, 0, 0.5f, 2, 1, 0}));
}

TEST(CApi, DynamicBatchRunsWithDifferentShapes) {
  auto bytes = convert_to_bytes(add_relu_model(true));
  Model model;
  ASSERT_FALSE(model.load_memory(bytes.data(), bytes.size()));
  Session s;
  ASSERT_FALSE(s.create(model));
  qedge_tensor info;
  ASSERT_FALSE(s.input_info(0, &info));
  ASSERT_EQ(info.rank, 2);
  EXPECT_EQ(info.dims[0], -1);
  EXPECT_EQ(run_add_relu(s, {1, 3}, {1, 1, 1}), (std::vector<float>{2, 0, 1.5f}));
  EXPECT_EQ(run_add_relu(s, {3, 3}, {0, 0, 0, 0, 0, 0, 0, 3, 0}).size(), 9u);
}

TEST(CApi, ThreadsGiveTheSameResult) {
  auto bytes = convert_to_bytes(add_relu_model());
  Model model;
  ASSERT_FALSE(model.load_memory(bytes.data(), bytes.size()));
  Session one, two;
  ASSERT_FALSE(one.create(model, 1));
  ASSERT_FALSE(two.create(model, 2));
  const std::vector<float> x = {5, -5, 2, -2, 0, 9};
  EXPECT_EQ(run_add_relu(one, {2, 3}, x), run_add_relu(two, {2, 3}, x));
}

TEST(CApi, ErrorsAreCodesWithMessages) {
  qedge_model* m = nullptr;
  EXPECT_EQ(qedge_model_load_file("/nonexistent.qedge", &m), QEDGE_ERR_IO);
  EXPECT_NE(std::string(qedge_last_error()).find("/nonexistent.qedge"), std::string::npos);
  EXPECT_EQ(m, nullptr);
  EXPECT_EQ(qedge_model_load_file(nullptr, &m), QEDGE_ERR_INVALID_ARGUMENT);
  const char garbage[64] = "this is not a model";
  EXPECT_EQ(qedge_model_load_memory(garbage, sizeof garbage, 1, &m), QEDGE_ERR_INVALID_MODEL);
  EXPECT_EQ(qedge_session_create(nullptr, nullptr, nullptr), QEDGE_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(qedge_session_run(nullptr), QEDGE_ERR_INVALID_ARGUMENT);

  auto bytes = convert_to_bytes(add_relu_model());
  Model model;
  ASSERT_FALSE(model.load_memory(bytes.data(), bytes.size()));
  Session s;
  ASSERT_FALSE(s.create(model));
  Error unset = s.run();
  EXPECT_EQ(unset.code, QEDGE_ERR_INVALID_ARGUMENT);
  EXPECT_NE(unset.message.find("'x'"), std::string::npos) << unset.message;
  const std::vector<float> x(6, 0.0f);
  Error shape = s.set_input(0, QEDGE_FLOAT32, {3, 2}, x.data(), 24);
  EXPECT_EQ(shape.code, QEDGE_ERR_SHAPE_MISMATCH);
  EXPECT_NE(shape.message.find("[2,3]"), std::string::npos) << shape.message;
  EXPECT_EQ(s.set_input(0, QEDGE_INT32, {2, 3}, x.data(), 24).code, QEDGE_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(s.set_input(0, QEDGE_FLOAT32, {2, 3}, x.data(), 20).code, QEDGE_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(s.set_input(7, QEDGE_FLOAT32, {2, 3}, x.data(), 24).code, QEDGE_ERR_INVALID_ARGUMENT);
  qedge_tensor out;
  EXPECT_EQ(s.output(3, &out).code, QEDGE_ERR_INVALID_ARGUMENT);
  // Out-of-range index with dims omitted: read past the input list before the fix.
  EXPECT_EQ(qedge_session_set_input(s.get(), 7, QEDGE_FLOAT32, nullptr, 4, nullptr, 0), QEDGE_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(qedge_session_set_input(s.get(), -1, QEDGE_FLOAT32, nullptr, 2, nullptr, 0), QEDGE_ERR_INVALID_ARGUMENT);
  // Outputs exist only after a successful run.
  Error before = s.output(0, &out);
  EXPECT_EQ(before.code, QEDGE_ERR_INVALID_ARGUMENT);
  EXPECT_NE(before.message.find("no successful run"), std::string::npos) << before.message;
}

TEST(Backends, NodesForADecliningBackendFallBackToCpu) {
  auto bytes = convert_to_bytes(add_relu_model(), "null");
  Model model;
  ASSERT_FALSE(model.load_memory(bytes.data(), bytes.size()));
  Session s;
  ASSERT_FALSE(s.create(model, 1, true));
  EXPECT_EQ(run_add_relu(s, {2, 3}, {0, 0, 0, 1, 3, -1}), (std::vector<float>{1, 0, 0.5f, 2, 1, 0}));
  ASSERT_EQ(qedge_session_profile_count(s.get()), 2);
  for (int i = 0; i < 2; ++i) {
    const char* backend = nullptr;
    ASSERT_EQ(qedge_session_profile_entry(s.get(), i, nullptr, nullptr, &backend, nullptr), QEDGE_OK);
    EXPECT_STREQ(backend, "cpu");
  }
}

TEST(Backends, UnknownBackendNameFallsBackToCpu) {
  auto bytes = convert_to_bytes(add_relu_model(), "tpu-that-does-not-exist");
  Model model;
  ASSERT_FALSE(model.load_memory(bytes.data(), bytes.size()));
  Session s;
  ASSERT_FALSE(s.create(model));
  EXPECT_EQ(run_add_relu(s, {2, 3}, {0, 0, 0, 0, 0, 0}), (std::vector<float>{1, 0, 0.5f, 1, 0, 0.5f}));
}

}  // namespace
}  // namespace qedge::testing
