// Test-data access for the quant/ unit tests: a tiny JSON reader (enough for
// shared/docs/qonnx-vectors/vectors.json), a .npy reader (little-endian f4/f8, C order), and the
// skip-or-fail rule for shared material: missing files skip the test, except under CI=true where they fail.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace qedge::quant::testing {

struct Json {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = kNull;
  double num = 0;
  std::string str;
  std::vector<Json> arr;
  std::map<std::string, Json> obj;

  const Json& operator[](const std::string& key) const {
    static const Json kMissing;
    auto it = obj.find(key);
    return it == obj.end() ? kMissing : it->second;
  }
  bool has(const std::string& key) const { return obj.count(key) != 0; }
  std::vector<float> floats() const {
    std::vector<float> v;
    for (const Json& e : arr) v.push_back(static_cast<float>(e.num));
    return v;
  }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& text) : s_(text) {}
  // Parses one value; sets ok() false on malformed input.
  Json parse() {
    Json v = value();
    ws();
    if (pos_ != s_.size()) ok_ = false;
    return v;
  }
  bool ok() const { return ok_; }

 private:
  void ws() {
    while (pos_ < s_.size() && std::strchr(" \t\r\n", s_[pos_]) != nullptr) ++pos_;
  }
  bool eat(char c) {
    ws();
    if (pos_ < s_.size() && s_[pos_] == c) return ++pos_, true;
    return false;
  }
  std::string string_body() {
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;  // the vectors use no \u escapes
      out += s_[pos_++];
    }
    if (pos_ >= s_.size()) ok_ = false;
    ++pos_;
    return out;
  }
  Json value() {
    Json v;
    if (!ok_) return v;
    if (eat('{')) {
      v.kind = Json::kObject;
      if (eat('}')) return v;
      do {
        if (!eat('"')) return ok_ = false, v;
        std::string key = string_body();
        if (!eat(':')) return ok_ = false, v;
        v.obj[key] = value();
      } while (eat(','));
      if (!eat('}')) ok_ = false;
    } else if (eat('[')) {
      v.kind = Json::kArray;
      if (eat(']')) return v;
      do v.arr.push_back(value());
      while (eat(','));
      if (!eat(']')) ok_ = false;
    } else if (eat('"')) {
      v.kind = Json::kString;
      v.str = string_body();
    } else if (s_.compare(pos_, 4, "true") == 0 || s_.compare(pos_, 5, "false") == 0) {
      v.kind = Json::kBool;
      v.num = s_[pos_] == 't' ? 1 : 0;
      pos_ += s_[pos_] == 't' ? 4 : 5;
    } else if (s_.compare(pos_, 4, "null") == 0) {
      pos_ += 4;
    } else {
      const char* begin = s_.c_str() + pos_;
      char* end = nullptr;
      v.kind = Json::kNumber;
      v.num = std::strtod(begin, &end);
      if (end == begin) ok_ = false;
      pos_ += static_cast<size_t>(end - begin);
    }
    return v;
  }

  const std::string& s_;
  size_t pos_ = 0;
  bool ok_ = true;
};

inline std::string shared_path(const std::string& rel) { return std::string(QEDGE_SHARED_DIR) + "/" + rel; }

inline bool read_file(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::stringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return true;
}

inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// Skips the calling test when shared material is missing (fails under CI=true).
#define QEDGE_REQUIRE_SHARED(ok, path)                                             \
  do {                                                                             \
    if (!(ok)) {                                                                   \
      if (::qedge::quant::testing::running_in_ci()) FAIL() << "missing " << (path); \
      GTEST_SKIP() << "shared test material not found: " << (path);                \
    }                                                                              \
  } while (0)

// vectors.json, parsed once; null when missing or malformed.
inline const Json* qonnx_vectors() {
  static const std::unique_ptr<Json> vectors = []() -> std::unique_ptr<Json> {
    std::string text;
    if (!read_file(shared_path("docs/qonnx-vectors/vectors.json"), &text)) return nullptr;
    JsonParser p(text);
    auto j = std::make_unique<Json>(p.parse());
    return p.ok() ? std::move(j) : nullptr;
  }();
  return vectors.get();
}

struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<float> data;
};

// Reads a C-order little-endian float32/float64 .npy file as float32; false on anything else.
inline bool read_npy(const std::string& path, NpyArray* out) {
  std::string bytes;
  if (!read_file(path, &bytes) || bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) return false;
  const bool v1 = bytes[6] == 1;
  const size_t len_size = v1 ? 2 : 4;
  size_t header_len = 0;
  for (size_t k = 0; k < len_size; ++k) header_len |= static_cast<size_t>(static_cast<uint8_t>(bytes[8 + k])) << (8 * k);
  const size_t data_at = 8 + len_size + header_len;
  if (data_at > bytes.size()) return false;
  const std::string header = bytes.substr(8 + len_size, header_len);
  const bool f8 = header.find("'<f8'") != std::string::npos;
  if ((!f8 && header.find("'<f4'") == std::string::npos) || header.find("'fortran_order': False") == std::string::npos) {
    return false;
  }
  const size_t open = header.find('(', header.find("'shape'"));
  const size_t close = header.find(')', open);
  std::stringstream dims(header.substr(open + 1, close - open - 1));
  out->shape.clear();
  for (std::string d; std::getline(dims, d, ',');) {
    if (d.find_first_not_of(' ') != std::string::npos) out->shape.push_back(std::stoll(d));
  }
  int64_t n = 1;
  for (int64_t d : out->shape) n *= d;
  const size_t elem = f8 ? 8 : 4;
  if (bytes.size() - data_at != static_cast<size_t>(n) * elem) return false;
  out->data.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    if (f8) {
      double d;
      std::memcpy(&d, bytes.data() + data_at + i * elem, elem);
      out->data[i] = static_cast<float>(d);
    } else {
      std::memcpy(&out->data[i], bytes.data() + data_at + i * elem, elem);
    }
  }
  return true;
}

}  // namespace qedge::quant::testing
