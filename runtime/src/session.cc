#include "session.h"

#include <chrono>
#include <cstdlib>
#include <cstring>

#include "qedge/quant/packing.h"

namespace qedge::rt {

struct Session::Step {
  std::string name;
  std::string op_type;
  std::string domain;
  std::string backend_name;
  AttrMap attrs;
  Partition* partition = nullptr;
  int index_in_partition = 0;
  bool opens_partition = false;   // first node of its partition: begin_run before it
  bool closes_partition = false;  // last node: end_run after it
  KernelContext ctx;
  std::vector<int> outputs;                    // value index per output, -1 for scratch
  std::vector<std::unique_ptr<Value>> scratch;  // unrequested optional outputs
  bool dynamic = false;
  double ms = 0.0;
};

struct Session::GraphExec {
  std::vector<Step> steps;
  std::vector<std::unique_ptr<Partition>> partitions;
  std::vector<int> inputs;
  std::vector<int> outputs;
};

namespace {

Status read_attribute(const fb::Attribute& a, const ModelFile& file, Attr* out) {
  out->name = a.name()->str();
  switch (a.type()) {
    case fb::AttributeType::INT:
      out->kind = AttrKind::kInt;
      out->i = a.i();
      break;
    case fb::AttributeType::FLOAT:
      out->kind = AttrKind::kFloat;
      out->f = a.f();
      break;
    case fb::AttributeType::STRING:
      out->kind = AttrKind::kString;
      out->s = a.s() ? a.s()->str() : "";
      break;
    case fb::AttributeType::INTS:
      out->kind = AttrKind::kInts;
      if (a.ints()) out->ints.assign(a.ints()->begin(), a.ints()->end());
      break;
    case fb::AttributeType::FLOATS:
      out->kind = AttrKind::kFloats;
      if (a.floats()) out->floats.assign(a.floats()->begin(), a.floats()->end());
      break;
    case fb::AttributeType::STRINGS:
      out->kind = AttrKind::kStrings;
      if (a.strings()) {
        for (const auto* s : *a.strings()) out->strings.push_back(s->str());
      }
      break;
    case fb::AttributeType::TENSOR: {
      out->kind = AttrKind::kTensor;
      const fb::Tensor& t = *file.model().tensors()->Get(a.tensor());
      out->tensor.dtype = static_cast<DType>(t.dtype());
      if (t.shape()) out->tensor.shape.assign(t.shape()->begin(), t.shape()->end());
      const uint8_t* data = file.segment_data(t.segment());
      out->tensor.bytes.assign(data, data + file.model().segments()->Get(t.segment())->size());
      break;
    }
    case fb::AttributeType::GRAPH:
      out->kind = AttrKind::kGraph;
      out->graph = a.graph();
      break;
    default:
      return InvalidModel("attribute '" + out->name + "' has an invalid type");
  }
  return Status::Ok();
}

// Storage for a value whose size is known only now.
Status ensure_heap(Value& v) {
  const size_t bytes = v.tensor.nbytes();
  const size_t words = (bytes + 7) / 8;
  if (v.heap.size() < words) {
    try {
      v.heap.resize(words);
    } catch (const std::bad_alloc&) {
      return Status(StatusCode::kOutOfMemory, "cannot allocate " + std::to_string(bytes) + " bytes for '" + v.name + "'");
    }
  }
  v.tensor.data = v.heap.data();
  return Status::Ok();
}

std::string step_context(const std::string& name, const std::string& op) { return "node '" + name + "' (" + op + "): "; }

// Splitting a small op across threads costs more than it saves: handing a chunk to a worker and waiting for it takes
// microseconds, about what such an op takes whole. Ops whose inputs and outputs (weights included) hold fewer
// elements than this run on the calling thread.
constexpr int64_t kMinElementsToSplit = 64 * 1024;

bool touches_few_elements(const KernelContext& ctx) {
  int64_t n = 0;
  for (const Tensor* t : ctx.inputs) n += t ? t->numel() : 0;
  for (const Tensor* t : ctx.outputs) n += t->numel();
  return n < kMinElementsToSplit;
}

}  // namespace

Session::Session(const ModelFile& file, const SessionOptions& options) : file_(file), options_(options) {}

Session::~Session() { std::free(arena_); }

Result<std::unique_ptr<Session>> Session::create(const ModelFile& file, const SessionOptions& options,
                                                 const BackendRegistry& backends) {
  std::unique_ptr<Session> s(new Session(file, options));
  QEDGE_RETURN_IF_ERROR(s->init(backends));
  return s;
}

Status Session::init(const BackendRegistry& backends) {
  const fb::Model& m = file_.model();
  arena_bytes_ = m.plan() ? m.plan()->arena_bytes() : 0;
  if (arena_bytes_ > 0) {
    arena_ = static_cast<uint8_t*>(std::aligned_alloc(format::kSegmentAlignment,
                                                      format::align_up(arena_bytes_, format::kSegmentAlignment)));
    if (!arena_) return Status(StatusCode::kOutOfMemory, "cannot allocate the " + std::to_string(arena_bytes_) + "-byte arena");
  }
  if (options_.num_threads > 1) pool_ = std::make_unique<WorkerPool>(options_.num_threads);

  const size_t n = m.tensors() ? m.tensors()->size() : 0;
  values_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const fb::Tensor& t = *m.tensors()->Get(i);
    Value& v = values_[i];
    v.name = t.name() ? t.name()->str() : "";
    v.tensor.dtype = static_cast<DType>(t.dtype());
    v.shape_static = t.shape_static();
    if (t.shape()) v.tensor.shape.assign(t.shape()->begin(), t.shape()->end());
    if (t.layout() == fb::StorageLayout::PACKED_BITS) {
      // The validator has checked: a constant, int8/uint8, a quantization record of 1..8 bits, the exact size.
      v.tensor.packed_bits = t.quant()->bit_width();
      v.tensor.packed_bipolar = t.quant()->bipolar();
    }
    if (t.kind() == fb::TensorKind::CONSTANT) {
      v.is_constant = true;
      v.tensor.constant = true;
      v.tensor.data = const_cast<uint8_t*>(file_.segment_data(t.segment()));
    } else if (t.arena_offset() >= 0) {
      v.arena_offset = t.arena_offset();
      v.planned_dtype = v.tensor.dtype;
      v.planned_shape = v.tensor.shape;
      v.tensor.data = arena_ + v.arena_offset;
    }
  }
  const fb::Graph& main = *m.graphs()->Get(0);
  if (main.inputs()) inputs_.assign(main.inputs()->begin(), main.inputs()->end());
  if (main.outputs()) outputs_.assign(main.outputs()->begin(), main.outputs()->end());
  input_set_.assign(inputs_.size(), false);
  for (int i : inputs_) {
    declared_input_shapes_.push_back(values_[i].tensor.shape);
    if (!values_[i].shape_static) values_[i].tensor.shape.clear();  // set by set_input
  }
  graphs_.resize(m.graphs()->size());
  for (size_t g = 0; g < graphs_.size(); ++g) {
    QEDGE_ASSIGN_OR_RETURN(graphs_[g], build_graph(static_cast<int>(g), backends));
  }
  for (Value& v : values_) {
    if (v.needs_natural) QEDGE_RETURN_IF_ERROR(unpack_constant(v));
  }
  // Static steps are prepared once, now.
  for (Step& step : graphs_[0]->steps) {
    if (!step.dynamic) QEDGE_RETURN_IF_ERROR(prepare_step(step));
  }
  return Status::Ok();
}

Result<std::unique_ptr<Session::GraphExec>> Session::build_graph(int index, const BackendRegistry& backends) {
  const fb::Graph& graph = *file_.model().graphs()->Get(index);
  auto exec = std::make_unique<GraphExec>();
  if (graph.inputs()) exec->inputs.assign(graph.inputs()->begin(), graph.inputs()->end());
  if (graph.outputs()) exec->outputs.assign(graph.outputs()->begin(), graph.outputs()->end());
  const size_t count = graph.nodes() ? graph.nodes()->size() : 0;
  exec->steps.resize(count);
  std::vector<NodeDesc> descs(count);
  std::vector<Backend*> chosen(count, nullptr);
  Backend* cpu = backends.find("cpu");
  for (size_t k = 0; k < count; ++k) {
    const fb::Node& node = *graph.nodes()->Get(k);
    Step& step = exec->steps[k];
    step.name = node.name() ? node.name()->str() : "";
    step.op_type = node.op_type()->str();
    step.domain = node.domain() ? node.domain()->str() : "";
    if (node.attributes()) {
      for (const fb::Attribute* a : *node.attributes()) {
        Attr attr;
        QEDGE_RETURN_IF_ERROR(read_attribute(*a, file_, &attr).with_context(step_context(step.name, step.op_type)));
        step.attrs.set(std::move(attr));
      }
    }
    NodeDesc& desc = descs[k];
    desc.name = step.name;
    desc.op_type = step.op_type;
    desc.domain = step.domain;
    desc.opset = node.opset();
    desc.attrs = &step.attrs;
    if (node.inputs()) {
      for (int32_t i : *node.inputs()) desc.input_dtypes.push_back(i < 0 ? DType::kUndefined : values_[i].tensor.dtype);
    }
    // Per-node fallback: the preferred backend if it is present, available and accepts the node; else cpu.
    Backend* backend = node.backend() ? backends.find(node.backend()->str()) : nullptr;
    if (!backend || !backend->is_available() || !backend->supports(desc)) backend = cpu;
    if (!backend || !backend->supports(desc)) {
      return Unsupported(step_context(step.name, step.op_type) + "no backend in this build can run " + step.op_type +
                         (step.domain.empty() ? "" : " (domain " + step.domain + ")"));
    }
    chosen[k] = backend;
    for (size_t j = 0; j < desc.input_dtypes.size(); ++j) {
      const int32_t i = node.inputs()->Get(static_cast<flatbuffers::uoffset_t>(j));
      if (i >= 0 && values_[i].tensor.packed_bits && !backend->reads_packed_input(desc, static_cast<int>(j))) {
        values_[i].needs_natural = true;
      }
    }
    step.backend_name = std::string(backend->name());

    step.ctx.op_type = step.op_type;
    step.ctx.domain = step.domain;
    step.ctx.opset = node.opset();
    step.ctx.attrs = &step.attrs;
    step.ctx.subgraphs = this;
    step.ctx.threads = pool_.get();
    // Static only when every input and output shape is known ahead and every output has an arena slot.
    bool is_static = index == 0;
    if (node.inputs()) {
      for (int32_t i : *node.inputs()) {
        step.ctx.inputs.push_back(i < 0 ? nullptr : &values_[i].tensor);
        if (i >= 0) is_static &= values_[i].shape_static;
      }
    }
    if (node.outputs()) {
      for (int32_t o : *node.outputs()) {
        step.outputs.push_back(o);
        if (o < 0) {
          step.scratch.push_back(std::make_unique<Value>());
          step.ctx.outputs.push_back(&step.scratch.back()->tensor);
          is_static = false;
        } else {
          step.ctx.outputs.push_back(&values_[o].tensor);
          is_static &= values_[o].shape_static && values_[o].arena_offset >= 0;
        }
      }
    }
    for (const auto& a : step.attrs.all()) is_static &= a.kind != AttrKind::kGraph;
    step.dynamic = !is_static;
    if (is_static && touches_few_elements(step.ctx)) step.ctx.threads = nullptr;
  }
  // Consecutive nodes on the same backend form one partition.
  for (size_t begin = 0; begin < count;) {
    size_t end = begin + 1;
    while (end < count && chosen[end] == chosen[begin]) ++end;
    std::vector<NodeDesc> part(descs.begin() + begin, descs.begin() + end);
    auto partition = chosen[begin]->create_partition(part);
    if (!partition.ok() && chosen[begin] != cpu) {
      // A backend may still decline a whole partition (e.g. out of device memory): cpu takes it.
      partition = cpu->create_partition(part);
      for (size_t k = begin; k < end; ++k) exec->steps[k].backend_name = std::string(cpu->name());
    }
    if (!partition.ok()) {
      return partition.status().with_context(step_context(exec->steps[begin].name, exec->steps[begin].op_type));
    }
    for (size_t k = begin; k < end; ++k) {
      exec->steps[k].partition = partition.value().get();
      exec->steps[k].index_in_partition = static_cast<int>(k - begin);
    }
    exec->steps[begin].opens_partition = true;
    exec->steps[end - 1].closes_partition = true;
    exec->partitions.push_back(std::move(partition).value());
    begin = end;
  }
  return exec;
}

Status Session::unpack_constant(Value& v) {
  const size_t n = static_cast<size_t>(v.tensor.numel());
  std::vector<int32_t> values(n);
  const auto* packed = static_cast<const uint8_t*>(v.tensor.data);
  if (v.tensor.packed_bipolar) {
    quant::unpack_bipolar(packed, n, values.data());
  } else if (!quant::unpack_bits(packed, n, v.tensor.packed_bits, v.tensor.dtype == DType::kInt8, values.data())) {
    return InvalidModel("tensor '" + v.name + "' has an invalid packed bit width");
  }
  v.heap.assign((n + 7) / 8, 0);
  auto* out = reinterpret_cast<uint8_t*>(v.heap.data());
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(values[i]);
  v.tensor.data = out;
  v.tensor.packed_bits = 0;
  v.tensor.packed_bipolar = false;
  return Status::Ok();
}

Status Session::prepare_step(Step& step) {
  Status s = step.partition->prepare(step.index_in_partition, step.ctx);
  if (!s.ok()) return s.with_context(step_context(step.name, step.op_type));
  size_t scratch = 0;
  for (size_t i = 0; i < step.outputs.size(); ++i) {
    const int o = step.outputs[i];
    Value& v = o >= 0 ? values_[o] : *step.scratch[scratch++];
    auto r = checked_num_elements(v.tensor.shape);
    if (!r.ok()) return r.status().with_context(step_context(step.name, step.op_type));
    if (o >= 0 && v.arena_offset >= 0) {
      if (v.tensor.dtype != v.planned_dtype || v.tensor.shape != v.planned_shape) {
        const std::string computed = std::string(dtype_name(v.tensor.dtype)) + dims_to_string(v.tensor.shape);
        // Keep the planned form so a later run cannot mistake the wrong shape for the plan.
        v.tensor.dtype = v.planned_dtype;
        v.tensor.shape = v.planned_shape;
        return InvalidModel(step_context(step.name, step.op_type) + "output '" + v.name + "' is " + computed +
                            " but the file plans " + dtype_name(v.planned_dtype) + dims_to_string(v.planned_shape));
      }
      v.tensor.data = arena_ + v.arena_offset;
    } else {
      QEDGE_RETURN_IF_ERROR(ensure_heap(v));
    }
  }
  return Status::Ok();
}

Status Session::run_graph(GraphExec& g) {
  using Clock = std::chrono::steady_clock;
  for (Step& step : g.steps) {
    const auto start = options_.profile ? Clock::now() : Clock::time_point();
    if (step.opens_partition) QEDGE_RETURN_IF_ERROR(step.partition->begin_run());
    if (step.dynamic) QEDGE_RETURN_IF_ERROR(prepare_step(step));
    for (const Tensor* in : step.ctx.inputs) {
      if (in && in->data == nullptr && in->numel() > 0) {
        return Internal(step_context(step.name, step.op_type) + "an input has no data");
      }
    }
    Status s = step.partition->run(step.index_in_partition, step.ctx);
    if (!s.ok()) return s.with_context(step_context(step.name, step.op_type));
    if (step.closes_partition) QEDGE_RETURN_IF_ERROR(step.partition->end_run());
    if (options_.profile) step.ms += std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  }
  return Status::Ok();
}

int Session::input_index(const std::string& name) const {
  for (size_t i = 0; i < inputs_.size(); ++i) {
    if (values_[inputs_[i]].name == name) return static_cast<int>(i);
  }
  return -1;
}

int Session::output_index(const std::string& name) const {
  for (size_t i = 0; i < outputs_.size(); ++i) {
    if (values_[outputs_[i]].name == name) return static_cast<int>(i);
  }
  return -1;
}

Status Session::set_input(int index, DType dtype, const Dims& shape, const void* data, size_t bytes) {
  if (index < 0 || index >= num_inputs()) return InvalidArgument("input index " + std::to_string(index) + " is out of range");
  Value& v = values_[inputs_[index]];
  const Dims& declared = declared_input_shapes_[index];
  if (dtype != v.tensor.dtype) {
    return InvalidArgument("input '" + v.name + "' expects " + dtype_name(v.tensor.dtype) + ", got " + dtype_name(dtype));
  }
  bool match = shape.size() == declared.size();
  for (size_t d = 0; match && d < shape.size(); ++d) match = declared[d] == -1 || declared[d] == shape[d];
  if (!match) {
    return ShapeMismatch("input '" + v.name + "' expects shape " + dims_to_string(declared) + ", got " + dims_to_string(shape));
  }
  QEDGE_ASSIGN_OR_RETURN(int64_t count, checked_num_elements(shape));
  const size_t need = dtype_storage_bytes(dtype, count);
  if (bytes != need) {
    return InvalidArgument("input '" + v.name + "' of shape " + dims_to_string(shape) + " needs " + std::to_string(need) +
                           " bytes, got " + std::to_string(bytes));
  }
  v.tensor.shape = shape;
  if (v.arena_offset < 0) QEDGE_RETURN_IF_ERROR(ensure_heap(v));
  if (bytes) std::memcpy(v.tensor.data, data, bytes);
  input_set_[index] = true;
  return Status::Ok();
}

Status Session::run() {
  for (size_t k = 0; k < inputs_.size(); ++k) {
    if (!input_set_[k]) return InvalidArgument("input '" + values_[inputs_[k]].name + "' was not set");
  }
  for (Step& step : graphs_[0]->steps) step.ms = 0.0;
  outputs_valid_ = false;
  QEDGE_RETURN_IF_ERROR(run_graph(*graphs_[0]));
  outputs_valid_ = true;
  profile_.clear();
  if (options_.profile) {
    for (const Step& step : graphs_[0]->steps) profile_.push_back({step.name, step.op_type, step.backend_name, step.ms});
  }
  return Status::Ok();
}

int Session::num_inputs(int graph) const { return static_cast<int>(graphs_[graph]->inputs.size()); }
int Session::num_outputs(int graph) const { return static_cast<int>(graphs_[graph]->outputs.size()); }

Status Session::run(int graph, const std::vector<const Tensor*>& inputs, std::vector<const Tensor*>* outputs) {
  if (graph <= 0 || graph >= static_cast<int>(graphs_.size())) return InvalidModel("invalid subgraph " + std::to_string(graph));
  GraphExec& g = *graphs_[graph];
  if (inputs.size() != g.inputs.size()) {
    return InvalidModel("subgraph " + std::to_string(graph) + " takes " + std::to_string(g.inputs.size()) + " inputs, got " +
                        std::to_string(inputs.size()));
  }
  for (size_t i = 0; i < inputs.size(); ++i) values_[g.inputs[i]].tensor = *inputs[i];
  QEDGE_RETURN_IF_ERROR(run_graph(g));
  outputs->clear();
  for (int o : g.outputs) outputs->push_back(&values_[o].tensor);
  return Status::Ok();
}

}  // namespace qedge::rt
