#include "null_backend.h"

namespace qedge {
namespace {

class NullBackend : public Backend {
 public:
  std::string_view name() const override { return "null"; }
  bool supports(const NodeDesc&) const override { return false; }
  Result<std::unique_ptr<Partition>> create_partition(const std::vector<NodeDesc>& nodes) override {
    return Unsupported("the null backend runs no nodes (asked for " + std::to_string(nodes.size()) + ")");
  }
};

}  // namespace

std::unique_ptr<Backend> make_null_backend() { return std::make_unique<NullBackend>(); }

}  // namespace qedge
