#include "serialize/qedge_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "qedge/format/format.h"
#include "qedge/quant/packing.h"

namespace qedge::conv {
namespace {

namespace fb = qedge::fb;

class Writer {
 public:
  explicit Writer(const IrModel& model) : model_(model) {}

  Result<std::vector<uint8_t>> write() {
    // Graph tables first: they assign file tensor indices as they reference tensors.
    std::vector<flatbuffers::Offset<fb::Graph>> graphs;
    for (const IrGraph& g : model_.graphs) {
      auto graph = write_graph(g);
      if (!graph.ok()) return graph.status();
      graphs.push_back(graph.value());
    }
    std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
    std::vector<fb::Segment> segments;
    uint64_t data_size = 0;
    for (size_t k = 0; k < order_.size(); ++k) {
      auto tensor = write_tensor(order_[k], &segments, &data_size);
      if (!tensor.ok()) return tensor.status();
      tensors.push_back(tensor.value());
    }
    const uint64_t data_end = segments.empty() ? 0 : segments.back().offset() + segments.back().size();
    std::vector<flatbuffers::Offset<fb::OpsetImport>> opsets;
    for (const auto& kv : model_.opsets) {
      opsets.push_back(fb::CreateOpsetImport(b_, b_.CreateString(kv.first), kv.second));
    }
    auto model = fb::CreateModel(b_, format::kSchemaMajor, format::kSchemaMinor, b_.CreateString("qedge"),
                                 b_.CreateVector(graphs), b_.CreateVector(tensors), b_.CreateVectorOfStructs(segments),
                                 fb::CreateMemoryPlan(b_, model_.arena_bytes, format::kSegmentAlignment),
                                 b_.CreateVector(opsets));
    b_.FinishSizePrefixed(model, fb::ModelIdentifier());

    // The file ends where its last segment ends (no trailing padding), so any truncation is detectable.
    const size_t data_start = format::data_region_offset(b_.GetSize() - sizeof(uint32_t));
    std::vector<uint8_t> out(segments.empty() ? b_.GetSize() : data_start + data_end, 0);
    std::memcpy(out.data(), b_.GetBufferPointer(), b_.GetSize());
    for (size_t k = 0; k < order_.size(); ++k) {
      const IrTensor& t = tensor_at(order_[k]);
      if (!t.is_constant) continue;
      const fb::Segment& seg = segments[segment_of_[k]];
      const std::vector<uint8_t>& bytes = packed_[k].empty() ? t.value.bytes : packed_[k];
      if (!bytes.empty()) std::memcpy(out.data() + data_start + seg.offset(), bytes.data(), bytes.size());
    }
    return out;
  }

 private:
  int file_index(int ir_index) {
    if (ir_index < 0) return -1;
    auto it = index_.find(ir_index);
    if (it != index_.end()) return it->second;
    const int k = static_cast<int>(order_.size());
    order_.push_back(ir_index);
    index_[ir_index] = k;
    return k;
  }

  int constant_index(const TensorData& data, const std::string& name) {
    extra_.push_back(IrTensor());
    IrTensor& t = extra_.back();
    t.name = name;
    t.dtype = data.dtype;
    t.shape = data.shape;
    t.shape_known = true;
    t.is_constant = true;
    t.value = data;
    const int k = static_cast<int>(order_.size());
    order_.push_back(-static_cast<int>(extra_.size()) - 1);  // negative: an entry of extra_
    return k;
  }

  const IrTensor& tensor_at(int order_value) const {
    return order_value >= 0 ? model_.tensors[order_value] : extra_[-order_value - 2];
  }

  std::vector<int> map_indices(const std::vector<int>& v) {
    std::vector<int> out;
    out.reserve(v.size());
    for (int i : v) out.push_back(file_index(i));
    return out;
  }

  Result<flatbuffers::Offset<fb::Graph>> write_graph(const IrGraph& g) {
    auto inputs = map_indices(g.inputs);
    auto outputs = map_indices(g.outputs);
    std::vector<flatbuffers::Offset<fb::Node>> nodes;
    for (const IrNode& n : g.nodes) {
      auto node_inputs = map_indices(n.inputs);
      auto node_outputs = map_indices(n.outputs);
      std::vector<flatbuffers::Offset<fb::Attribute>> attrs;
      for (const Attr& a : n.attrs.all()) attrs.push_back(write_attr(a, n));
      nodes.push_back(fb::CreateNode(b_, b_.CreateString(n.name), b_.CreateString(n.op_type), b_.CreateString(n.domain),
                                     n.opset, b_.CreateVector(node_inputs), b_.CreateVector(node_outputs),
                                     b_.CreateVector(attrs), b_.CreateString(n.backend)));
    }
    return fb::CreateGraph(b_, b_.CreateString(g.name), b_.CreateVector(nodes), b_.CreateVector(inputs),
                           b_.CreateVector(outputs));
  }

  flatbuffers::Offset<fb::Attribute> write_attr(const Attr& a, const IrNode& n) {
    auto name = b_.CreateString(a.name);
    flatbuffers::Offset<flatbuffers::String> s;
    flatbuffers::Offset<flatbuffers::Vector<int64_t>> ints;
    flatbuffers::Offset<flatbuffers::Vector<float>> floats;
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>> strings;
    int tensor = -1;
    fb::AttributeType type = fb::AttributeType::INT;
    switch (a.kind) {
      case AttrKind::kInt: type = fb::AttributeType::INT; break;
      case AttrKind::kFloat: type = fb::AttributeType::FLOAT; break;
      case AttrKind::kString:
        type = fb::AttributeType::STRING;
        s = b_.CreateString(a.s);
        break;
      case AttrKind::kInts:
        type = fb::AttributeType::INTS;
        ints = b_.CreateVector(a.ints);
        break;
      case AttrKind::kFloats:
        type = fb::AttributeType::FLOATS;
        floats = b_.CreateVector(a.floats);
        break;
      case AttrKind::kStrings:
        type = fb::AttributeType::STRINGS;
        strings = b_.CreateVectorOfStrings(a.strings);
        break;
      case AttrKind::kTensor:
        type = fb::AttributeType::TENSOR;
        tensor = constant_index(a.tensor, n.name + "." + a.name);
        break;
      case AttrKind::kGraph: type = fb::AttributeType::GRAPH; break;
    }
    fb::AttributeBuilder ab(b_);
    ab.add_name(name);
    ab.add_type(type);
    ab.add_i(a.i);
    ab.add_f(a.f);
    if (!s.IsNull()) ab.add_s(s);
    if (!ints.IsNull()) ab.add_ints(ints);
    if (!floats.IsNull()) ab.add_floats(floats);
    if (!strings.IsNull()) ab.add_strings(strings);
    ab.add_tensor(tensor);
    ab.add_graph(a.kind == AttrKind::kGraph ? a.graph : -1);
    return ab.Finish();
  }

  Result<flatbuffers::Offset<fb::Tensor>> write_tensor(int order_value, std::vector<fb::Segment>* segments,
                                                       uint64_t* data_size) {
    const IrTensor& t = tensor_at(order_value);
    int segment = -1;
    fb::TensorKind kind = fb::TensorKind::ACTIVATION;
    const bool integer_quant = t.quant && dtype_is_integer(t.dtype);
    std::vector<uint8_t> packed;
    fb::StorageLayout layout = fb::StorageLayout::NATURAL;
    if (t.is_constant && integer_quant && t.quant->bits < 8) {
      QEDGE_ASSIGN_OR_RETURN(packed, pack_constant(t));
      layout = fb::StorageLayout::PACKED_BITS;
    }
    if (t.is_constant) {
      kind = fb::TensorKind::CONSTANT;
      const size_t size = layout == fb::StorageLayout::PACKED_BITS ? packed.size() : t.value.bytes.size();
      segment = static_cast<int>(segments->size());
      segments->emplace_back(*data_size, size);
      *data_size = format::align_up(*data_size + size, format::kSegmentAlignment);
    } else if (t.is_graph_input) {
      kind = fb::TensorKind::INPUT;
    }
    segment_of_.push_back(segment);
    packed_.push_back(std::move(packed));
    flatbuffers::Offset<fb::Quantization> quant;
    if (integer_quant) quant = write_quant(*t.quant);
    Dims shape = t.shape;
    return fb::CreateTensor(b_, b_.CreateString(t.name), static_cast<fb::DataType>(t.dtype), b_.CreateVector(shape),
                            t.shape_known, kind, segment, t.is_constant ? -1 : t.arena_offset, quant, layout);
  }

  flatbuffers::Offset<fb::Quantization> write_quant(const IrQuant& q) {
    return fb::CreateQuantization(b_, static_cast<uint8_t>(q.bits), q.is_signed, q.narrow, q.bipolar,
                                  b_.CreateVector(q.scale), b_.CreateVector(q.zero_point), q.axis,
                                  static_cast<fb::RoundingMode>(q.rounding));
  }

  // The PACKED_BITS bytes of an int8/uint8 constant whose values fit its quantization record's bit width.
  static Result<std::vector<uint8_t>> pack_constant(const IrTensor& t) {
    const size_t n = static_cast<size_t>(num_elements(t.shape));
    std::vector<int32_t> values(n);
    for (size_t i = 0; i < n; ++i) {
      values[i] = t.dtype == DType::kInt8 ? static_cast<int8_t>(t.value.bytes[i]) : t.value.bytes[i];
    }
    const int bits = t.quant->bits;
    std::vector<uint8_t> out(quant::packed_size(n, bits));
    const bool ok = t.quant->bipolar ? quant::pack_bipolar(values.data(), n, out.data())
                                     : quant::pack_bits(values.data(), n, bits, t.quant->is_signed, out.data());
    if ((t.dtype != DType::kInt8 && t.dtype != DType::kUint8) || !ok) {
      return Internal("constant '" + t.name + "' does not fit its " + std::to_string(bits) + "-bit quantization");
    }
    return out;
  }

  const IrModel& model_;
  flatbuffers::FlatBufferBuilder b_{1 << 16};
  std::vector<int> order_;         // file tensor index -> IR tensor index (or extra_ entry, negative)
  std::map<int, int> index_;       // IR tensor index -> file tensor index
  std::vector<IrTensor> extra_;    // attribute tensors stored as constants
  std::vector<int> segment_of_;    // file tensor index -> segment index or -1
  std::vector<std::vector<uint8_t>> packed_;  // file tensor index -> PACKED_BITS bytes (empty: natural)
};

}  // namespace

Result<std::vector<uint8_t>> serialize_model(const IrModel& model) { return Writer(model).write(); }

Status write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return IoError("cannot create " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      const std::string err = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError("cannot write " + tmp + ": " + err);
    }
    done += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return IoError("cannot flush " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return IoError("cannot rename " + tmp + " to " + path + ": " + err);
  }
  return Status::Ok();
}

}  // namespace qedge::conv
