// qedge inspect MODEL.qedge [--json]
#include <cstdio>
#include <string>

#include "cli.h"
#include "model_bytes.h"
#include "qedge/kernel_api/dtype.h"
#include "qedge/kernel_api/shape.h"
#include "qedge/runtime/model_file.h"

namespace qedge::cli {
namespace {

const char* kHelp =
    "usage: qedge inspect MODEL.qedge [--json]\n"
    "\n"
    "Verifies a .qedge file and prints its graphs, nodes, tensors (dtype, bit width, storage layout, shape, bytes,\n"
    "where they live), the memory plan, and where the file's bytes go: FlatBuffer (graphs and metadata), 64-byte\n"
    "alignment padding and constant payloads, which add up to the file size, and the payload per storage bit width.\n"
    "\n"
    "  --json   print the same as one JSON object. Keys:\n"
    "           file_bytes, flatbuffer_bytes (size prefix + FlatBuffer), padding_bytes (alignment padding),\n"
    "           weight_payload_bytes (constant data; file = flatbuffer + padding + payload), arena_bytes,\n"
    "           weight_bytes_by_bits {\"<storage bits>\": bytes}, graphs [{index, nodes [{name, op, backend,\n"
    "           inputs, outputs}]}], tensors [{name, dtype, bits (quantization bit width, else the dtype's),\n"
    "           storage_bits (bits per stored element), layout (natural|packed), shape, elements (-1 when dynamic),\n"
    "           bytes (constants: payload, ceil(elements * storage_bits / 8); activations: planned size),\n"
    "           segment_bytes (constants: payload + padding to the next segment, else 0), where}]\n";

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
  std::string name, dtype, layout, shape, where;
  int bits = 0, storage_bits = 0;
  int64_t elements = -1;
  uint64_t bytes = 0, segment_bytes = 0;
};

TensorSummary summarize(const fb::Model& m, const ModelBytes& accounting, int i) {
  const fb::Tensor& t = *m.tensors()->Get(i);
  TensorSummary s;
  s.name = t.name() ? t.name()->str() : "";
  const DType dt = static_cast<DType>(t.dtype());
  s.dtype = dtype_name(dt);
  s.bits = t.quant() ? t.quant()->bit_width() : dtype_bits(dt);
  s.storage_bits = t.layout() == fb::StorageLayout::PACKED_BITS ? s.bits : dtype_bits(dt);
  s.layout = layout_name(t);
  Dims dims;
  if (t.shape()) dims.assign(t.shape()->begin(), t.shape()->end());
  s.shape = dims_to_string(dims);
  if (t.shape_static()) s.elements = num_elements(dims);
  if (t.kind() == fb::TensorKind::CONSTANT) {
    s.storage_bits = accounting.tensors[i].storage_bits;
    s.bytes = accounting.tensors[i].payload;
    s.segment_bytes = accounting.tensors[i].segment;
    s.where = "constant";
  } else {
    s.bytes = s.elements >= 0 ? dtype_storage_bytes(dt, s.elements) : 0;
    s.where = t.arena_offset() >= 0 ? "arena@" + std::to_string(t.arena_offset()) : "dynamic";
    if (t.kind() == fb::TensorKind::INPUT) s.where = "input " + s.where;
  }
  return s;
}

unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

void print_totals(const ModelBytes& b, uint64_t arena, bool json) {
  std::string by_bits;
  for (const auto& [bits, bytes] : b.payload_by_bits) {
    if (!by_bits.empty()) by_bits += ", ";
    const std::string key = bits == 0 ? "unreferenced" : std::to_string(bits);
    by_bits += json ? "\"" + key + "\": " + std::to_string(bytes)
                    : std::to_string(bytes) + " at " + key + (bits == 0 ? "" : " bits");
  }
  if (json) {
    std::printf(" \"file_bytes\": %llu, \"flatbuffer_bytes\": %llu, \"padding_bytes\": %llu, \"weight_payload_bytes\": %llu,\n"
                " \"arena_bytes\": %llu, \"weight_bytes_by_bits\": {%s},\n",
                ull(b.file), ull(b.flatbuffer), ull(b.padding), ull(b.payload), ull(arena), by_bits.c_str());
  } else {
    std::printf("file %llu bytes = flatbuffer %llu + alignment padding %llu + weight payload %llu; arena %llu bytes\n",
                ull(b.file), ull(b.flatbuffer), ull(b.padding), ull(b.payload), ull(arena));
    std::printf("weight payload by storage bit width: %s\n", by_bits.empty() ? "none" : by_bits.c_str());
  }
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
  const ModelBytes accounting = account_bytes(**file);
  const uint64_t arena = m.plan() ? m.plan()->arena_bytes() : 0;
  const bool json = args.has("--json");
  if (json) {
    std::printf("{\"schema\": \"%u.%u\",\n", m.schema_major(), m.schema_minor());
    print_totals(accounting, arena, json);
    std::printf(" \"graphs\": [");
  } else {
    std::printf("schema %u.%u, %d tensors\n", m.schema_major(), m.schema_minor(), n_tensors);
    print_totals(accounting, arena, json);
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
          const std::string name = i < 0 ? "" : summarize(m, accounting, i).name;
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
    std::printf("\n%-36s %-9s %4s %-7s %-20s %12s %12s  %s\n", "tensor", "dtype", "bits", "layout", "shape", "bytes",
                "segment", "where");
  }
  for (int i = 0; i < n_tensors; ++i) {
    const TensorSummary s = summarize(m, accounting, i);
    if (json) {
      std::printf("%s\n  {\"name\": \"%s\", \"dtype\": \"%s\", \"bits\": %d, \"storage_bits\": %d, \"layout\": \"%s\", "
                  "\"shape\": \"%s\", \"elements\": %lld, \"bytes\": %llu, \"segment_bytes\": %llu, \"where\": \"%s\"}",
                  i ? "," : "", json_escape(s.name).c_str(), s.dtype.c_str(), s.bits, s.storage_bits, s.layout.c_str(),
                  s.shape.c_str(), static_cast<long long>(s.elements), ull(s.bytes), ull(s.segment_bytes), s.where.c_str());
    } else {
      const std::string segment = s.where == "constant" ? std::to_string(s.segment_bytes) : "-";
      std::printf("%-36s %-9s %4d %-7s %-20s %12llu %12s  %s\n", s.name.c_str(), s.dtype.c_str(), s.bits, s.layout.c_str(),
                  s.shape.c_str(), ull(s.bytes), segment.c_str(), s.where.c_str());
    }
  }
  if (json) std::printf("]}\n");
  return 0;
}

}  // namespace qedge::cli
