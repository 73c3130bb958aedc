#include "model_validate.h"

#include <algorithm>
#include <string>
#include <vector>

#include "qedge/kernel_api/dtype.h"
#include "qedge/kernel_api/shape.h"

namespace qedge::rt {
namespace {

// Bounds the recursion of the graph check (each subgraph nests at most once per graph).
constexpr size_t kMaxGraphs = 1024;

std::string tensor_label(const fb::Model& m, int i) {
  const auto* t = m.tensors()->Get(i);
  return "tensor " + std::to_string(i) + (t->name() ? " ('" + t->name()->str() + "')" : std::string());
}

Status validate_tensor(const fb::Model& m, int i, size_t data_size, uint64_t arena_bytes) {
  const fb::Tensor& t = *m.tensors()->Get(i);
  const std::string label = tensor_label(m, i);
  const int dt = static_cast<int>(t.dtype());
  if (!dtype_is_valid(dt)) return InvalidModel(label + " has invalid dtype " + std::to_string(dt));
  const DType dtype = static_cast<DType>(dt);
  Dims shape;
  if (t.shape()) {
    if (t.shape()->size() > 64) return InvalidModel(label + " has rank " + std::to_string(t.shape()->size()) + " (max 64)");
    for (int64_t d : *t.shape()) {
      if (d < -1) return InvalidModel(label + " has invalid dimension " + std::to_string(d));
      if (d == -1 && t.shape_static()) return InvalidModel(label + " is marked static but has an unknown dimension");
      shape.push_back(d);
    }
  }
  int64_t count = -1;
  if (t.shape_static()) {
    auto n = checked_num_elements(shape);
    if (!n.ok()) return InvalidModel(label + ": " + n.status().message());
    count = n.value();
  }
  size_t bytes = count >= 0 ? dtype_storage_bytes(dtype, count) : 0;
  if (t.layout() == fb::StorageLayout::PACKED_BITS) {
    const int bits = t.quant() ? t.quant()->bit_width() : 0;
    if (bits < 1 || bits > 8 || (dtype != DType::kInt8 && dtype != DType::kUint8)) {
      return InvalidModel(label + " is bit-packed but is not an int8/uint8 tensor with a 1..8-bit quantization record");
    }
    if (t.kind() != fb::TensorKind::CONSTANT) return InvalidModel(label + " is bit-packed but is not a constant");
    if (t.quant()->bipolar() && (bits != 1 || dtype != DType::kInt8)) {
      return InvalidModel(label + " is bipolar but not a 1-bit int8 tensor");
    }
    bytes = count >= 0 ? static_cast<size_t>((static_cast<unsigned __int128>(count) * bits + 7) / 8) : 0;
  } else if (t.layout() != fb::StorageLayout::NATURAL) {
    return InvalidModel(label + " has an unknown storage layout");
  }
  if (t.kind() == fb::TensorKind::CONSTANT) {
    if (!t.shape_static()) return InvalidModel(label + " is a constant without a static shape");
    if (dtype == DType::kUndefined || dtype == DType::kString) return InvalidModel(label + " is a constant of unsupported dtype");
    const int seg = t.segment();
    if (!m.segments() || seg < 0 || seg >= static_cast<int>(m.segments()->size())) {
      return InvalidModel(label + " refers to segment " + std::to_string(seg) + ", which does not exist");
    }
    const fb::Segment& s = *m.segments()->Get(seg);
    if (s.size() != bytes) {
      return InvalidModel(label + ": segment holds " + std::to_string(s.size()) + " bytes but shape " + dims_to_string(shape) +
                          " of " + dtype_name(dtype) + " needs " + std::to_string(bytes));
    }
    if (s.offset() % format::kSegmentAlignment != 0) return InvalidModel(label + ": segment offset is not 64-byte aligned");
    if (s.offset() > data_size || s.size() > data_size - s.offset()) {
      return InvalidModel(label + ": segment [" + std::to_string(s.offset()) + ", +" + std::to_string(s.size()) +
                          ") lies outside the data region of " + std::to_string(data_size) + " bytes");
    }
  } else if (t.kind() != fb::TensorKind::ACTIVATION && t.kind() != fb::TensorKind::INPUT) {
    return InvalidModel(label + " has invalid kind");
  }
  if (t.arena_offset() != -1) {
    if (t.kind() == fb::TensorKind::CONSTANT || !t.shape_static() || t.arena_offset() < 0) {
      return InvalidModel(label + " has an arena offset but is not a static activation");
    }
    const uint64_t off = static_cast<uint64_t>(t.arena_offset());
    if (off % format::kSegmentAlignment != 0 || off > arena_bytes || bytes > arena_bytes - off) {
      return InvalidModel(label + ": planned bytes [" + std::to_string(off) + ", +" + std::to_string(bytes) +
                          ") lie outside the arena of " + std::to_string(arena_bytes) + " bytes");
    }
  }
  return Status::Ok();
}

class GraphChecker {
 public:
  explicit GraphChecker(const fb::Model& m)
      : m_(m), n_tensors_(m.tensors() ? m.tensors()->size() : 0), written_(n_tensors_, false), owned_(m.graphs()->size(), false) {}

  // Every graph but the main one must be owned by a node.
  Status all_graphs_owned() const {
    for (size_t g = 1; g < owned_.size(); ++g) {
      if (!owned_[g]) return InvalidModel("graph " + std::to_string(g) + " is not referenced by any node");
    }
    return Status::Ok();
  }

  // Every value a node reads must be defined before it: by a constant, a graph input, an earlier node, or
  // (for subgraphs) the enclosing graphs up to the owning node. Subgraphs may only refer to graphs after
  // their own index, so graph references cannot form a cycle.
  Status check(int g, std::vector<bool> defined) {
    const fb::Graph& graph = *m_.graphs()->Get(g);
    const std::string where = "graph " + std::to_string(g);
    if (graph.inputs()) {
      for (int32_t i : *graph.inputs()) {
        QEDGE_RETURN_IF_ERROR(index_ok(i, where + " input"));
        // A subgraph's inputs are fresh values its runner binds per call: never a constant, an outer value, a
        // planned arena slot or another graph's value.
        const fb::Tensor& t = *m_.tensors()->Get(i);
        if (g > 0 && (defined[i] || written_[i] || t.kind() == fb::TensorKind::CONSTANT || t.arena_offset() != -1)) {
          return InvalidModel(where + " input " + tensor_label(m_, i) + " is not a fresh subgraph value");
        }
        written_[i] = true;
        defined[i] = true;
      }
    }
    if (graph.nodes()) {
      for (size_t k = 0; k < graph.nodes()->size(); ++k) {
        const fb::Node& n = *graph.nodes()->Get(k);
        const std::string node = where + " node " + std::to_string(k) + " ('" + (n.name() ? n.name()->str() : "") + "', " +
                                 n.op_type()->str() + ")";
        if (n.inputs()) {
          for (int32_t i : *n.inputs()) {
            if (i == -1) continue;
            QEDGE_RETURN_IF_ERROR(index_ok(i, node + " input"));
            if (!defined[i]) return InvalidModel(node + " reads " + tensor_label(m_, i) + " before it is produced");
          }
        }
        if (n.attributes()) {
          for (const fb::Attribute* a : *n.attributes()) {
            if (a->type() == fb::AttributeType::TENSOR) {
              QEDGE_RETURN_IF_ERROR(index_ok(a->tensor(), node + " attribute " + a->name()->str()));
              if (m_.tensors()->Get(a->tensor())->kind() != fb::TensorKind::CONSTANT ||
                  m_.tensors()->Get(a->tensor())->layout() != fb::StorageLayout::NATURAL) {
                return InvalidModel(node + " attribute " + a->name()->str() + " must refer to an unpacked constant");
              }
            } else if (a->type() == fb::AttributeType::GRAPH) {
              const int sub = a->graph();
              if (sub <= g || sub >= static_cast<int>(m_.graphs()->size())) {
                return InvalidModel(node + " attribute " + a->name()->str() + " refers to invalid graph " + std::to_string(sub));
              }
              // Each subgraph has exactly one owner (as in ONNX), which also keeps this walk linear.
              if (owned_[sub]) return InvalidModel(node + " refers to graph " + std::to_string(sub) + ", which another node owns");
              owned_[sub] = true;
              QEDGE_RETURN_IF_ERROR(check(sub, defined));
            }
          }
        }
        if (n.outputs()) {
          for (int32_t o : *n.outputs()) {
            if (o == -1) continue;
            QEDGE_RETURN_IF_ERROR(index_ok(o, node + " output"));
            const fb::Tensor& t = *m_.tensors()->Get(o);
            if (defined[o] || written_[o] || t.kind() != fb::TensorKind::ACTIVATION) {
              return InvalidModel(node + " writes " + tensor_label(m_, o) + ", which is already defined");
            }
            if (g > 0 && t.arena_offset() != -1) {
              return InvalidModel(node + " writes " + tensor_label(m_, o) + ", a subgraph value with an arena slot");
            }
            written_[o] = true;
            defined[o] = true;
          }
        }
      }
    }
    if (graph.outputs()) {
      for (int32_t o : *graph.outputs()) {
        QEDGE_RETURN_IF_ERROR(index_ok(o, where + " output"));
        if (!defined[o]) return InvalidModel(where + " output " + tensor_label(m_, o) + " is never produced");
      }
    }
    return Status::Ok();
  }

  std::vector<bool> constants() const {
    std::vector<bool> d(n_tensors_, false);
    for (size_t i = 0; i < n_tensors_; ++i) d[i] = m_.tensors()->Get(i)->kind() == fb::TensorKind::CONSTANT;
    return d;
  }

 private:
  Status index_ok(int32_t i, const std::string& what) const {
    if (i < 0 || static_cast<size_t>(i) >= n_tensors_) {
      return InvalidModel(what + " refers to tensor " + std::to_string(i) + ", but the model has " +
                          std::to_string(n_tensors_) + " tensors");
    }
    return Status::Ok();
  }

  const fb::Model& m_;
  size_t n_tensors_;
  std::vector<bool> written_;  // values any graph has defined (each is defined once in the whole model)
  std::vector<bool> owned_;    // subgraphs already claimed by a node
};

}  // namespace

Status validate_model(const fb::Model& m, size_t data_size) {
  if (!m.graphs() || m.graphs()->size() == 0) return InvalidModel("model has no graph");
  if (m.graphs()->size() > kMaxGraphs) return InvalidModel("model has more than " + std::to_string(kMaxGraphs) + " graphs");
  const uint64_t arena = m.plan() ? m.plan()->arena_bytes() : 0;
  if (arena > (uint64_t{1} << 40)) return InvalidModel("arena of " + std::to_string(arena) + " bytes is implausibly large");
  const size_t n = m.tensors() ? m.tensors()->size() : 0;
  for (size_t i = 0; i < n; ++i) QEDGE_RETURN_IF_ERROR(validate_tensor(m, static_cast<int>(i), data_size, arena));
  // The arena is exactly what the plan uses: a larger one would only waste memory at load.
  uint64_t used = 0;
  for (size_t i = 0; i < n; ++i) {
    const fb::Tensor& t = *m.tensors()->Get(i);
    if (t.arena_offset() < 0) continue;
    Dims shape;
    if (t.shape()) shape.assign(t.shape()->begin(), t.shape()->end());
    const uint64_t bytes = dtype_storage_bytes(static_cast<DType>(t.dtype()), num_elements(shape));
    used = std::max<uint64_t>(used, static_cast<uint64_t>(t.arena_offset()) + format::align_up(std::max<uint64_t>(bytes, 1), format::kSegmentAlignment));
  }
  if (arena > used) {
    return InvalidModel("arena of " + std::to_string(arena) + " bytes is larger than the " + std::to_string(used) +
                        " bytes its plan uses");
  }
  GraphChecker checker(m);
  const fb::Graph& main = *m.graphs()->Get(0);
  if (main.inputs()) {
    for (int32_t i : *main.inputs()) {
      if (i >= 0 && static_cast<size_t>(i) < n && m.tensors()->Get(i)->kind() != fb::TensorKind::INPUT) {
        return InvalidModel("main graph input " + tensor_label(m, i) + " is not marked as an input");
      }
    }
  }
  QEDGE_RETURN_IF_ERROR(checker.check(0, checker.constants()));
  return checker.all_graphs_owned();
}

}  // namespace qedge::rt
