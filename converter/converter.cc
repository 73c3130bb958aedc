#include "qedge/converter/converter.h"

#include "onnx/onnx_importer.h"
#include "passes/pass.h"
#include "qedge/cpu_ref/ref_kernels.h"
#include "serialize/qedge_writer.h"

namespace qedge {
namespace {

std::vector<NodeReport> make_report(const conv::IrModel& model) {
  std::vector<NodeReport> report;
  for (const conv::IrNode& n : model.main().nodes) {
    NodeReport r;
    r.name = n.name;
    r.op_type = n.domain.empty() ? n.op_type : n.domain + "." + n.op_type;
    r.backend = n.backend;
    bool dynamic = false;
    for (int o : n.outputs) {
      if (o < 0) continue;
      const conv::IrTensor& t = model.tensors[o];
      if (!r.precision.empty()) r.precision += ",";
      if (!r.shapes.empty()) r.shapes += " ";
      r.precision += dtype_name(t.dtype);
      r.shapes += t.shape_known ? dims_to_string(t.shape) : "?";
      dynamic |= !t.shape_known;
    }
    r.note = n.precision_note;
    if (r.note.empty() && n.domain == conv::kQonnxDomain) r.note = "float fake-quantization: no consumer runs on its integers";
    if (dynamic) r.note += std::string(r.note.empty() ? "" : "; ") + "output shape known only at run time";
    report.push_back(std::move(r));
  }
  return report;
}

}  // namespace

Result<ConvertResult> convert_onnx_file(const std::string& onnx_path, const ConvertOptions& options) {
  conv::ImportOptions import_options;
  import_options.input_shapes = options.input_shapes;
  QEDGE_ASSIGN_OR_RETURN(conv::IrModel model, conv::import_onnx_file(onnx_path, import_options));
  static const KernelRegistry registry = [] {
    KernelRegistry r;
    ref::register_all(r);
    return r;
  }();
  size_t nodes_before = model.main().nodes.size();
  // Before the passes (fusion and in-place planning depend on it) and after (for the nodes they made).
  auto set_backend = [&] {
    for (auto& graph : model.graphs) {
      for (auto& node : graph.nodes) node.backend = options.backend;
    }
  };
  set_backend();
  QEDGE_RETURN_IF_ERROR(conv::run_standard_passes(model, registry, options.integer));
  set_backend();
  ConvertResult result;
  result.folded_nodes = static_cast<int>(nodes_before - model.main().nodes.size());
  result.report = make_report(model);
  QEDGE_ASSIGN_OR_RETURN(result.bytes, conv::serialize_model(model));
  return result;
}

Status write_model_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  return conv::write_file_atomic(path, bytes);
}

}  // namespace qedge
