// ONNX ModelProto -> IrModel.
#pragma once

#include <map>
#include <string>

#include "ir/graph.h"
#include "onnx/onnx_pb.h"

namespace qedge::conv {

struct ImportOptions {
  // Pins graph input shapes (replacing symbolic or unknown dims), by input name.
  std::map<std::string, Dims> input_shapes;
  // Folder that external data paths are relative to.
  std::string base_dir;
};

Result<IrModel> import_onnx_model(const onnx::ModelProto& model, const ImportOptions& options);
Result<IrModel> import_onnx_file(const std::string& path, ImportOptions options);
// Reads a ModelProto from a file.
Status load_model_proto(const std::string& path, onnx::ModelProto* model);

}  // namespace qedge::conv
