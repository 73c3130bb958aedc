// Node attributes, typed, as read from ONNX by the converter or from a .qedge file by the runtime.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "qedge/kernel_api/status.h"
#include "qedge/kernel_api/tensor.h"

namespace qedge {

enum class AttrKind : uint8_t { kInt, kFloat, kString, kInts, kFloats, kStrings, kTensor, kGraph };

struct Attr {
  std::string name;
  AttrKind kind = AttrKind::kInt;
  int64_t i = 0;
  float f = 0.0f;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<float> floats;
  std::vector<std::string> strings;
  TensorData tensor;
  int graph = -1;  // index of a subgraph in the model
};

class AttrMap {
 public:
  void set(Attr a);
  const Attr* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  const std::vector<Attr>& all() const { return attrs_; }
  void erase(std::string_view name);

  // Getters with defaults. A present attribute of the wrong kind is treated as absent.
  int64_t get_int(std::string_view name, int64_t def) const;
  float get_float(std::string_view name, float def) const;
  std::string get_string(std::string_view name, const std::string& def = "") const;
  std::vector<int64_t> get_ints(std::string_view name, std::vector<int64_t> def = {}) const;
  std::vector<float> get_floats(std::string_view name, std::vector<float> def = {}) const;
  const TensorData* get_tensor(std::string_view name) const;
  int get_graph(std::string_view name) const;  // -1 when absent

 private:
  std::vector<Attr> attrs_;
};

// Typed attribute builders (the converter's rewrites and the tests make attributes with them).
Attr int_attr(const std::string& name, int64_t v);
Attr float_attr(const std::string& name, float v);
Attr ints_attr(const std::string& name, std::vector<int64_t> v);
Attr floats_attr(const std::string& name, std::vector<float> v);
Attr string_attr(const std::string& name, std::string v);

}  // namespace qedge
