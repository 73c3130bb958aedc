#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "../support/kernel_harness.h"
#include "../support/model_fixtures.h"
#include "qedge/converter/converter.h"

namespace qedge::testing {
namespace {

bool file_exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

std::string save(const OnnxBuilder& b) {
  const std::string path = make_temp_dir() + "/model.onnx";
  b.save(path);
  return path;
}

TEST(Converter, ReportsEveryUnsupportedOperatorAtOnce) {
  OnnxBuilder b;
  b.input("x", DType::kFloat32, {2});
  b.node("FancyOp", {"x"}, {"a"}, "first_bad");
  auto& n = b.node("OtherOp", {"a"}, {"y"}, "second_bad");
  n.set_domain("com.example");
  auto* op = b.proto().add_opset_import();
  op->set_domain("com.example");
  op->set_version(3);
  b.output("y", DType::kFloat32);
  auto r = convert_onnx_file(save(b), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("2 problem"), std::string::npos) << m;
  EXPECT_NE(m.find("'first_bad': operator FancyOp (domain 'ai.onnx', opset 17)"), std::string::npos) << m;
  EXPECT_NE(m.find("'second_bad': operator OtherOp (domain 'com.example', opset 3)"), std::string::npos) << m;
}

TEST(Converter, ShapeErrorNamesNodeOpAndShapes) {
  OnnxBuilder b;
  b.input("x", DType::kFloat32, {2, 3});
  b.input("z", DType::kFloat32, {4});
  b.node("Add", {"x", "z"}, {"y"}, "bad_add");
  b.output("y", DType::kFloat32);
  auto r = convert_onnx_file(save(b), {});
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("node 'bad_add' (Add)"), std::string::npos) << m;
  EXPECT_NE(m.find("[2,3]"), std::string::npos) << m;
  EXPECT_NE(m.find("[4]"), std::string::npos) << m;
}

TEST(Converter, FailedConversionLeavesNoFile) {
  OnnxBuilder b;
  b.input("x", DType::kFloat32, {2});
  b.node("NoSuchOp", {"x"}, {"y"}, "n");
  b.output("y", DType::kFloat32);
  const std::string out = make_temp_dir() + "/out.qedge";
  auto r = convert_onnx_file(save(b), {});
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(file_exists(out));
}

TEST(Converter, AtomicWriteReplacesFileWithoutLeftovers) {
  const std::string dir = make_temp_dir();
  const std::string out = dir + "/out.qedge";
  ASSERT_TRUE(write_model_file(out, {1, 2, 3}).ok());
  ASSERT_TRUE(write_model_file(out, {4, 5}).ok());
  struct stat st;
  ASSERT_EQ(stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 2);
  EXPECT_FALSE(write_model_file(dir + "/missing_dir/out.qedge", {1}).ok());
  EXPECT_FALSE(file_exists(dir + "/missing_dir"));
}

TEST(Converter, MissingFileIsAnIoError) {
  auto r = convert_onnx_file("/nonexistent/model.onnx", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find("/nonexistent/model.onnx"), std::string::npos);
}

TEST(Converter, FoldsShapeComputationsIntoConstants) {
  // Reshape(x, Shape(x)) folds to a Reshape with a constant shape; only the Reshape stays.
  OnnxBuilder b;
  b.input("x", DType::kFloat32, {2, 3});
  b.node("Shape", {"x"}, {"s"}, "shape");
  b.node("Reshape", {"x", "s"}, {"y"}, "reshape");
  b.output("y", DType::kFloat32);
  auto r = convert_onnx_file(save(b), {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->report.size(), 1u);
  EXPECT_EQ(r->report[0].op_type, "Reshape");
  EXPECT_EQ(r->report[0].shapes, "[2,3]");
  EXPECT_EQ(r->folded_nodes, 1);
}

TEST(Converter, PinsDynamicInputShapes) {
  ConvertOptions options;
  auto dynamic = convert_onnx_file(save(add_relu_model(true)), options);
  ASSERT_TRUE(dynamic.ok()) << dynamic.status().message();
  EXPECT_EQ(dynamic->report[0].shapes, "?");
  options.input_shapes["x"] = {5, 3};
  auto pinned = convert_onnx_file(save(add_relu_model(true)), options);
  ASSERT_TRUE(pinned.ok()) << pinned.status().message();
  EXPECT_EQ(pinned->report[0].shapes, "[5,3]");
  options.input_shapes = {{"nope", {1}}};
  auto wrong = convert_onnx_file(save(add_relu_model(true)), options);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("'nope'"), std::string::npos);
}

TEST(Converter, RemovesDeadNodes) {
  OnnxBuilder b = add_relu_model();
  b.node("Relu", {"x"}, {"unused"}, "dead");
  auto r = convert_onnx_file(save(b), {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  for (const auto& n : r->report) EXPECT_NE(n.name, "dead");
}

TEST(Converter, InitializersListedAsInputsAreConstants) {
  OnnxBuilder b = add_relu_model();
  b.input("bias", DType::kFloat32, {3});  // old exporters list initializers as inputs too
  auto r = convert_onnx_file(save(b), {});
  ASSERT_TRUE(r.ok()) << r.status().message();
}

// Initializer `bias` [3] stored in `file` next to the model at byte 8.
OnnxBuilder model_with_external_bias(const std::string& file) {
  OnnxBuilder b = add_relu_model();
  auto* init = b.proto().mutable_graph()->mutable_initializer(0);
  init->clear_raw_data();
  init->set_data_location(onnx::TensorProto::EXTERNAL);
  auto add_kv = [&](const char* k, const std::string& v) {
    auto* kv = init->add_external_data();
    kv->set_key(k);
    kv->set_value(v);
  };
  add_kv("location", file);
  add_kv("offset", "8");
  add_kv("length", "12");
  return b;
}

TEST(Converter, ReadsExternalData) {
  const std::string dir = make_temp_dir();
  const float values[3] = {1.0f, -2.0f, 0.5f};
  {
    std::ofstream f(dir + "/weights.bin", std::ios::binary);
    f.write("12345678", 8);
    f.write(reinterpret_cast<const char*>(values), sizeof values);
  }
  model_with_external_bias("weights.bin").save(dir + "/model.onnx");
  auto r = convert_onnx_file(dir + "/model.onnx", {});
  EXPECT_TRUE(r.ok()) << r.status().message();

  model_with_external_bias("../escape.bin").save(dir + "/escape.onnx");
  auto escape = convert_onnx_file(dir + "/escape.onnx", {});
  ASSERT_FALSE(escape.ok());
  EXPECT_NE(escape.status().message().find("escapes the model folder"), std::string::npos) << escape.status().message();

  model_with_external_bias("missing.bin").save(dir + "/missing.onnx");
  auto missing = convert_onnx_file(dir + "/missing.onnx", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("missing.bin"), std::string::npos) << missing.status().message();
}

TEST(Converter, RejectsInitializerValuesInTheWrongField) {
  OnnxBuilder b = add_relu_model();
  auto* init = b.proto().mutable_graph()->mutable_initializer(0);  // float [3]
  init->clear_raw_data();
  for (int i = 0; i < 3; ++i) init->add_int64_data(i);  // silently became zeros before the fix
  auto r = convert_onnx_file(save(b), {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'bias'"), std::string::npos) << r.status().message();
}

TEST(Converter, RejectsMalformedExternalDataFields) {
  const std::string dir = make_temp_dir();
  OnnxBuilder b = model_with_external_bias("weights.bin");
  b.proto().mutable_graph()->mutable_initializer(0)->mutable_external_data(1)->set_value("eight");  // threw before the fix
  b.save(dir + "/model.onnx");
  auto r = convert_onnx_file(dir + "/model.onnx", {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'eight'"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace qedge::testing
