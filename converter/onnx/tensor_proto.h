// Conversion between onnx::TensorProto and qedge's owned tensors.
#pragma once

#include <string>

#include "onnx/onnx_pb.h"
#include "qedge/kernel_api/status.h"
#include "qedge/kernel_api/tensor.h"

namespace qedge::conv {

// Reads a TensorProto's data from raw_data, the typed repeated fields, or external data files found
// relative to `base_dir`. `what` names the tensor in error messages.
Result<TensorData> tensor_from_proto(const onnx::TensorProto& proto, const std::string& base_dir,
                                     const std::string& what);
// Writes `t` into `proto` (raw_data form).
void tensor_to_proto(const TensorData& t, const std::string& name, onnx::TensorProto* proto);
// Reads a serialized TensorProto (.pb file).
Result<TensorData> read_tensor_pb_file(const std::string& path);

}  // namespace qedge::conv
