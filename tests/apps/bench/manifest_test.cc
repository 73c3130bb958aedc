// The zoo manifest reader: paths resolve against the manifest's folder, and every malformed entry is an error that
// names the file and the entry.
#include "bench/manifest.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace qedge::cli::bench {
namespace {

class ManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/qedge-manifest-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/zoo.json";
  }
  void TearDown() override {
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  Result<Manifest> read(const std::string& models) {
    std::ofstream(path_) << "{\"version\": 1, \"models\": [" << models << "]}";
    return read_manifest(path_);
  }
  // The error message of reading `models` (empty when it reads fine).
  std::string error(const std::string& models) {
    auto m = read(models);
    return m.ok() ? "" : m.status().message();
  }
  std::string dir_, path_;
};

const char* kFloat =
    R"({"name": "m_float", "task": "classification", "family": "m", "file": "m/float.onnx", "format": "float",
        "weight_bits": null, "act_bits": null, "float_reference": null,
        "eval": {"data": "data/test", "accuracy": 0.9}, "committed": true, "build": "make m"})";
const char* kW4 =
    R"({"name": "m_w4a4", "family": "m", "file": "m/w4.onnx", "format": "qonnx", "weight_bits": 4, "act_bits": 4,
        "float_reference": "m_float", "eval": {"data": "data/test", "accuracy": 0.85}, "committed": false})";

TEST_F(ManifestTest, ReadsEntriesAndResolvesPathsAgainstItsFolder) {
  auto m = read(std::string(kFloat) + "," + kW4 + R"(, {"name": "lat", "task": "latency", "file": "/abs/l.onnx", "eval": null})");
  ASSERT_TRUE(m.ok()) << m.status().message();
  ASSERT_EQ(m->entries.size(), 3u);
  const ZooEntry& f = m->entries[0];
  EXPECT_EQ(f.file, dir_ + "/m/float.onnx");
  EXPECT_EQ(f.eval_data, dir_ + "/data/test");
  EXPECT_EQ(f.eval_data_name, "data/test");
  EXPECT_DOUBLE_EQ(*f.recorded_accuracy, 0.9);
  EXPECT_FALSE(f.weight_bits.has_value());
  EXPECT_EQ(f.build, "make m");
  const ZooEntry* w4 = m->find("m_w4a4");
  ASSERT_NE(w4, nullptr);
  EXPECT_EQ(*w4->weight_bits, 4);
  EXPECT_EQ(w4->float_reference, "m_float");
  EXPECT_FALSE(w4->committed);
  EXPECT_EQ(m->entries[2].file, "/abs/l.onnx");
  EXPECT_TRUE(m->entries[2].eval_data.empty());
  EXPECT_EQ(m->find("nope"), nullptr);
}

TEST_F(ManifestTest, ErrorsNameTheFileAndTheEntry) {
  EXPECT_NE(error(R"({"file": "x.onnx"})").find("zoo.json: models[0]: missing \"name\""), std::string::npos);
  EXPECT_NE(error(R"({"name": "a"})").find("model 'a': missing \"file\""), std::string::npos);
  EXPECT_NE(error(R"({"name": "a", "file": "a.onnx", "format": "int8"})").find("\"format\" must be float, qonnx or qdq"),
            std::string::npos);
  EXPECT_NE(error(R"({"name": "a", "file": "a.onnx", "weight_bits": 0})").find("model 'a': \"weight_bits\""),
            std::string::npos);
  EXPECT_NE(error(R"({"name": "a", "file": "a.onnx", "eval": {"data": "d", "accuracy": 95}})").find("fraction"),
            std::string::npos);
  EXPECT_NE(error(R"({"name": "a", "file": "a.onnx", "eval": {"accuracy": 0.5}})").find("missing \"data\""),
            std::string::npos);
  EXPECT_NE(error(R"({"name": "a", "file": "a.onnx"}, {"name": "a", "file": "b.onnx"})").find("'a' appears twice"),
            std::string::npos);
  EXPECT_NE(error(kW4).find("names float_reference 'm_float', which is not in the manifest"), std::string::npos);
  EXPECT_NE(error(R"({"name": "a", "file": "a.onnx", "committed": "yes"})").find("\"committed\""), std::string::npos);
}

TEST_F(ManifestTest, RejectsFilesThatAreNotManifests) {
  std::ofstream(path_) << "[1, 2";
  auto m = read_manifest(path_);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("is not valid JSON"), std::string::npos);
  std::ofstream(path_) << "{\"version\": 1}";
  m = read_manifest(path_);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("\"models\" list"), std::string::npos);
  m = read_manifest(dir_ + "/missing.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("cannot open manifest"), std::string::npos);
}

}  // namespace
}  // namespace qedge::cli::bench
