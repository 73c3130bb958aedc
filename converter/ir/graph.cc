#include "ir/graph.h"

namespace qedge::conv {

std::string node_context(const IrNode& n) {
  std::string op = n.domain.empty() ? n.op_type : n.domain + "." + n.op_type;
  return "node '" + n.name + "' (" + op + "): ";
}

}  // namespace qedge::conv
