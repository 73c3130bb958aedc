// The list of backends compiled into this build.
#include "cpu/cpu_backend.h"
#include "null/null_backend.h"

namespace qedge {

const BackendRegistry& builtin_backends() {
  static const BackendRegistry registry = [] {
    BackendRegistry r;
    r.add(make_cpu_backend());
    r.add(make_null_backend());
    return r;
  }();
  return registry;
}

}  // namespace qedge
