// The null backend supports nothing. It is the skeleton to copy for a new backend, and tests use it to
// prove that nodes assigned to a backend that declines them fall back to cpu.
#pragma once

#include <memory>

#include "qedge/backend.h"

namespace qedge {

std::unique_ptr<Backend> make_null_backend();

}  // namespace qedge
