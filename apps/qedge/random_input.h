// Random model inputs for runs without data (`qedge run --random-inputs`, `qedge bench` timing runs).
#pragma once

#include <random>

#include "qedge/kernel_api/tensor.h"
#include "qedge/qedge.h"

namespace qedge::cli {

// A tensor of the declared shape (dynamic dims = 1): uniform [-1, 1) for float types, random 0/1 for bool, zeros
// for integer inputs (indices and shapes, which must stay in range).
TensorData random_tensor(const qedge_tensor& info, std::mt19937& rng);

}  // namespace qedge::cli
