// qedge inspect MODEL.qedge [--json]
#include <cstdio>
#include <string>

#include "cli.h"
#include "qedge/kernel_api/dtype.h"
#include "qedge/kernel_api/shape.h"
#include "qedge/runtime/model_file.h"

namespace qedge::cli {
namespace {

const char* kHelp =
    "usage: qedge inspect MODEL.qedge [--json]\n"
    "\n"
    "Verifies a .qedge file and prints its graphs, nodes, tensors (dtype, bit width, shape, bytes, where they\n"
    "live) and the memory plan. --json prints the same as one JSON object.\n";

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

struct TensorSummary {
  std::string name, dtype, shape, where;
  int bits = 0;
  uint64_t bytes = 0;
};

TensorSummary summarize(const fb::Model& m, int i) {
  const fb::Tensor& t = *m.tensors()->Get(i);
  TensorSummary s;
  s.name = t.name() ? t.name()->str() : "";
  const DType dt = static_cast<DType>(t.dtype());
  s.dtype = dtype_name(dt);
  s.bits = t.quant() ? t.quant()->bit_width() : dtype_bits(dt);
  Dims dims;
  if (t.shape()) dims.assign(t.shape()->begin(), t.shape()->end());
  s.shape = dims_to_string(dims);
  if (t.kind() == fb::TensorKind::CONSTANT) {
    s.bytes = m.segments()->Get(t.segment())->size();
    s.where = "constant";
  } else {
    s.bytes = t.shape_static() ? dtype_storage_bytes(dt, num_elements(dims)) : 0;
    s.where = t.arena_offset() >= 0 ? "arena@" + std::to_string(t.arena_offset()) : "dynamic";
    if (t.kind() == fb::TensorKind::INPUT) s.where = "input " + s.where;
  }
  return s;
}

}  // namespace

int cmd_inspect(int argc, char** argv) {
  Args args(argc, argv, {}, {"--json", "--help"});
  if (args.has("--help")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (!args.ok()) return usage_error("inspect", args.error());
  if (args.positional().size() != 1) return usage_error("inspect", "expected exactly one model");
  auto file = rt::ModelFile::open(args.positional()[0]);
  if (!file.ok()) return fail("inspect", file.status().message());
  const fb::Model& m = (*file)->model();
  const int n_tensors = m.tensors() ? static_cast<int>(m.tensors()->size()) : 0;
  uint64_t constant_bytes = 0;
  for (int i = 0; i < n_tensors; ++i) {
    if (m.tensors()->Get(i)->kind() == fb::TensorKind::CONSTANT) constant_bytes += summarize(m, i).bytes;
  }
  const uint64_t arena = m.plan() ? m.plan()->arena_bytes() : 0;
  const bool json = args.has("--json");
  if (json) {
    std::printf("{\"schema\": \"%u.%u\", \"file_bytes\": %zu, \"constant_bytes\": %llu, \"arena_bytes\": %llu,\n",
                m.schema_major(), m.schema_minor(), (*file)->size(), static_cast<unsigned long long>(constant_bytes),
                static_cast<unsigned long long>(arena));
    std::printf(" \"graphs\": [");
  } else {
    std::printf("schema %u.%u, %zu bytes, %d tensors, constants %llu bytes, arena %llu bytes\n", m.schema_major(),
                m.schema_minor(), (*file)->size(), n_tensors, static_cast<unsigned long long>(constant_bytes),
                static_cast<unsigned long long>(arena));
  }
  for (size_t g = 0; g < m.graphs()->size(); ++g) {
    const fb::Graph& graph = *m.graphs()->Get(g);
    const size_t nodes = graph.nodes() ? graph.nodes()->size() : 0;
    if (json) {
      std::printf("%s\n  {\"index\": %zu, \"nodes\": [", g ? "," : "", g);
    } else {
      std::printf("\ngraph %zu%s: %zu nodes\n", g, g == 0 ? " (main)" : "", nodes);
    }
    for (size_t k = 0; k < nodes; ++k) {
      const fb::Node& n = *graph.nodes()->Get(k);
      std::string ins, outs;
      auto list = [&](const flatbuffers::Vector<int32_t>* v, std::string* out) {
        if (!v) return;
        for (int32_t i : *v) {
          if (!out->empty()) *out += json ? ", " : " ";
          const std::string name = i < 0 ? "" : summarize(m, i).name;
          *out += json ? "\"" + json_escape(name) + "\"" : (i < 0 ? "-" : name);
        }
      };
      list(n.inputs(), &ins);
      list(n.outputs(), &outs);
      const std::string name = n.name() ? n.name()->str() : "";
      const std::string backend = n.backend() ? n.backend()->str() : "";
      if (json) {
        std::printf("%s\n    {\"name\": \"%s\", \"op\": \"%s\", \"backend\": \"%s\", \"inputs\": [%s], \"outputs\": [%s]}",
                    k ? "," : "", json_escape(name).c_str(), json_escape(n.op_type()->str()).c_str(),
                    json_escape(backend).c_str(), ins.c_str(), outs.c_str());
      } else {
        std::printf("  %-28s %-20s %-5s (%s) -> (%s)\n", name.c_str(), n.op_type()->c_str(), backend.c_str(), ins.c_str(),
                    outs.c_str());
      }
    }
    if (json) std::printf("]}");
  }
  if (json) {
    std::printf("],\n \"tensors\": [");
  } else {
    std::printf("\n%-36s %-9s %4s %-20s %12s  %s\n", "tensor", "dtype", "bits", "shape", "bytes", "where");
  }
  for (int i = 0; i < n_tensors; ++i) {
    const TensorSummary s = summarize(m, i);
    if (json) {
      std::printf("%s\n  {\"name\": \"%s\", \"dtype\": \"%s\", \"bits\": %d, \"shape\": \"%s\", \"bytes\": %llu, \"where\": \"%s\"}",
                  i ? "," : "", json_escape(s.name).c_str(), s.dtype.c_str(), s.bits, s.shape.c_str(),
                  static_cast<unsigned long long>(s.bytes), s.where.c_str());
    } else {
      std::printf("%-36s %-9s %4d %-20s %12llu  %s\n", s.name.c_str(), s.dtype.c_str(), s.bits, s.shape.c_str(),
                  static_cast<unsigned long long>(s.bytes), s.where.c_str());
    }
  }
  if (json) std::printf("]}\n");
  return 0;
}

}  // namespace qedge::cli
