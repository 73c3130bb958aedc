// The cpu backend: every operator the reference kernels cover. It is the fallback for every node.
#pragma once

#include <memory>

#include "qedge/backend.h"

namespace qedge {

std::unique_ptr<Backend> make_cpu_backend();

}  // namespace qedge
