#include "qedge/kernel_api/attributes.h"

#include <algorithm>

namespace qedge {

void AttrMap::set(Attr a) {
  for (auto& existing : attrs_) {
    if (existing.name == a.name) {
      existing = std::move(a);
      return;
    }
  }
  attrs_.push_back(std::move(a));
}

const Attr* AttrMap::find(std::string_view name) const {
  for (const auto& a : attrs_) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

void AttrMap::erase(std::string_view name) {
  attrs_.erase(std::remove_if(attrs_.begin(), attrs_.end(), [&](const Attr& a) { return a.name == name; }),
               attrs_.end());
}

int64_t AttrMap::get_int(std::string_view name, int64_t def) const {
  const Attr* a = find(name);
  return a && a->kind == AttrKind::kInt ? a->i : def;
}

float AttrMap::get_float(std::string_view name, float def) const {
  const Attr* a = find(name);
  if (!a) return def;
  if (a->kind == AttrKind::kFloat) return a->f;
  if (a->kind == AttrKind::kInt) return static_cast<float>(a->i);
  return def;
}

std::string AttrMap::get_string(std::string_view name, const std::string& def) const {
  const Attr* a = find(name);
  return a && a->kind == AttrKind::kString ? a->s : def;
}

std::vector<int64_t> AttrMap::get_ints(std::string_view name, std::vector<int64_t> def) const {
  const Attr* a = find(name);
  return a && a->kind == AttrKind::kInts ? a->ints : def;
}

std::vector<float> AttrMap::get_floats(std::string_view name, std::vector<float> def) const {
  const Attr* a = find(name);
  return a && a->kind == AttrKind::kFloats ? a->floats : def;
}

const TensorData* AttrMap::get_tensor(std::string_view name) const {
  const Attr* a = find(name);
  return a && a->kind == AttrKind::kTensor ? &a->tensor : nullptr;
}

int AttrMap::get_graph(std::string_view name) const {
  const Attr* a = find(name);
  return a && a->kind == AttrKind::kGraph ? a->graph : -1;
}

Attr int_attr(const std::string& name, int64_t v) {
  Attr a;
  a.name = name;
  a.kind = AttrKind::kInt;
  a.i = v;
  return a;
}

Attr float_attr(const std::string& name, float v) {
  Attr a;
  a.name = name;
  a.kind = AttrKind::kFloat;
  a.f = v;
  return a;
}

Attr ints_attr(const std::string& name, std::vector<int64_t> v) {
  Attr a;
  a.name = name;
  a.kind = AttrKind::kInts;
  a.ints = std::move(v);
  return a;
}

Attr floats_attr(const std::string& name, std::vector<float> v) {
  Attr a;
  a.name = name;
  a.kind = AttrKind::kFloats;
  a.floats = std::move(v);
  return a;
}

Attr string_attr(const std::string& name, std::string v) {
  Attr a;
  a.name = name;
  a.kind = AttrKind::kString;
  a.s = std::move(v);
  return a;
}

}  // namespace qedge
