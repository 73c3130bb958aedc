// qedge convert IN.onnx -o OUT.qedge [--input-shape NAME=1x3x224x224]... [--report]
#include <cstdio>

#include "cli.h"
#include "qedge/converter/converter.h"
#include "tensor_io.h"

namespace qedge::cli {
namespace {

const char* kHelp =
    "usage: qedge convert IN.onnx -o OUT.qedge [--input-shape NAME=DIMS]... [--report] [--no-integer]\n"
    "\n"
    "Converts an ONNX or QONNX model into a .qedge file. The output is written atomically: a failed\n"
    "conversion leaves no file behind.\n"
    "\n"
    "  -o FILE                    output path (required)\n"
    "  --input-shape NAME=DIMS    pin a dynamic input shape, e.g. input=1x3x224x224 (repeatable)\n"
    "  --backend NAME             backend every node prefers (default cpu; nodes it cannot run fall back to cpu)\n"
    "  --report                   print, per node: op, backend, output precision and shapes, and the precision it\n"
    "                             computes in and why (e.g. int8 x int4 weights, or float: weight is not quantized)\n"
    "  --no-integer               keep quantized models as float fake-quantization (no integer lowering)\n";

}  // namespace

int cmd_convert(int argc, char** argv) {
  Args args(argc, argv, {"--input-shape", "--backend"}, {"--report", "--no-integer", "--help"});
  if (args.has("--help")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (!args.ok()) return usage_error("convert", args.error());
  if (args.positional().size() != 1) return usage_error("convert", "expected exactly one input model");
  const std::string out = args.get("-o");
  if (out.empty()) return usage_error("convert", "missing -o OUT.qedge");
  ConvertOptions options;
  options.backend = args.get("--backend", "cpu");
  options.integer = !args.has("--no-integer");
  for (const std::string& spec : args.all("--input-shape")) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos) return usage_error("convert", "--input-shape expects NAME=DIMS, got '" + spec + "'");
    auto dims = parse_dims(spec.substr(eq + 1));
    if (!dims.ok()) return usage_error("convert", dims.status().message());
    options.input_shapes[spec.substr(0, eq)] = dims.value();
  }
  auto result = convert_onnx_file(args.positional()[0], options);
  if (!result.ok()) return fail("convert", result.status().message());
  if (args.has("--report")) {
    std::printf("%-32s %-22s %-8s %-16s %-24s %s\n", "node", "op", "backend", "precision", "output shape", "note");
    for (const NodeReport& r : result->report) {
      std::printf("%-32s %-22s %-8s %-16s %-24s %s\n", r.name.c_str(), r.op_type.c_str(), r.backend.c_str(),
                  r.precision.c_str(), r.shapes.c_str(), r.note.c_str());
    }
  }
  Status s = write_model_file(out, result->bytes);
  if (!s.ok()) return fail("convert", s.message());
  std::printf("wrote %s (%zu bytes, %zu nodes, %d folded)\n", out.c_str(), result->bytes.size(), result->report.size(),
              result->folded_nodes);
  return 0;
}

}  // namespace qedge::cli
