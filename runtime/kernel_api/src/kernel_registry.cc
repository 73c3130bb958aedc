#include "qedge/kernel_api/op_kernel.h"

namespace qedge {

void KernelRegistry::add(const std::string& domain, const std::string& op_type, KernelFactory factory) {
  for (auto& e : entries_) {
    if (e.domain == domain && e.op_type == op_type) {
      e.factory = std::move(factory);
      return;
    }
  }
  entries_.push_back({domain, op_type, std::move(factory)});
}

const KernelFactory* KernelRegistry::find(std::string_view domain, std::string_view op_type) const {
  for (const auto& e : entries_) {
    if (e.domain == domain && e.op_type == op_type) return &e.factory;
  }
  return nullptr;
}

std::vector<std::pair<std::string, std::string>> KernelRegistry::ops() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : entries_) out.emplace_back(e.domain, e.op_type);
  return out;
}

}  // namespace qedge
