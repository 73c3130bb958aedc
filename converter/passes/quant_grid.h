// Quantization grids: how the converter remembers that a tensor's values are integers in disguise.
// Folding a weight quantizer (QONNX Quant/BipolarQuant, ONNX DequantizeLinear) leaves a float constant whose
// values are (q - zero_point) * scale; the grid recorded on it (IrTensor::quant) lets the integer lowering
// recover q exactly and store the weight at its bit width.
#pragma once

#include <optional>
#include <vector>

#include "ir/graph.h"

namespace qedge::conv {

// After `n` was folded into constants: records on its float output the grid its values lie on, when `n` is a
// weight quantizer, or moves such a constant without changing values (Transpose, Reshape, Identity, ...).
void annotate_folded_grid(IrModel& model, const IrNode& n);

// The values of a constant float/double/int32/int64 tensor; nullopt when the tensor is not such a constant.
std::optional<std::vector<double>> constant_values(const IrModel& model, int tensor);

// How a parameter of shape `param` broadcasts against `shape`: -1 when it holds one value, the axis when it
// varies along exactly one axis of `shape` and matches its size; nullopt otherwise.
std::optional<int> broadcast_axis(const Dims& param, const Dims& shape);

// A grid from quantizer parameters; nullopt when they are not per tensor / per axis of `shape`.
std::optional<IrQuant> make_grid(const IrModel& model, int scale, int zero_point, int bits, bool is_signed,
                                 bool narrow, quant::RoundingMode mode, const Dims& shape);

// Bits and signedness of the integer element types ONNX QuantizeLinear/DequantizeLinear use (int4/uint4, int8/uint8,
// int16/uint16); false for any other type.
bool onnx_level_type(DType t, int* bits, bool* is_signed);

// The per-tensor grid of ONNX (De)QuantizeLinear's constant `scale` / `zero_point` (-1: none) for run-time levels of
// type `levels` (8 or 16 bits) with an integer zero point; nullopt otherwise.
std::optional<IrQuant> onnx_activation_grid(const IrModel& model, int scale, int zero_point, DType levels,
                                            const Dims& shape);

// The smallest integer storage type of the grid's levels (int8/uint8 up to 8 bits, then 16, then int32).
DType level_dtype(const IrQuant& q);

// The integer levels of float `values` on `grid` (element i of a tensor of `shape`); nullopt when a value is
// not exactly on the grid or out of its range.
std::optional<std::vector<int32_t>> levels_on_grid(const std::vector<float>& values, const Dims& shape,
                                                   const IrQuant& grid);

}  // namespace qedge::conv
