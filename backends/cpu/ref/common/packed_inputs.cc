// Which reference kernels read bit-packed constants directly (see Backend::reads_packed_input).
#include "int_quantize.h"
#include "qedge/cpu_ref/ref_kernels.h"

namespace qedge::ref {

bool reads_packed_input(std::string_view domain, std::string_view op_type, int input) {
  return domain == kQedgeDomain && (op_type == "QConv" || op_type == "QMatMul") && input == 1;
}

}  // namespace qedge::ref
