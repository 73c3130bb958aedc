#include "onnx/onnx_importer.h"

#include <fstream>
#include <set>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include "onnx/tensor_proto.h"

namespace qedge::conv {
namespace {

std::string normalize_domain(const std::string& d) { return d == "ai.onnx" ? "" : d; }

// Name scopes: subgraphs see the names of the graphs around them.
class Scope {
 public:
  explicit Scope(const Scope* parent) : parent_(parent) {}
  void define(const std::string& name, int index) { names_[name] = index; }
  int lookup(const std::string& name) const {
    auto it = names_.find(name);
    if (it != names_.end()) return it->second;
    return parent_ ? parent_->lookup(name) : -1;
  }

 private:
  const Scope* parent_;
  std::map<std::string, int> names_;
};

class Importer {
 public:
  Importer(const ImportOptions& options, IrModel* model) : options_(options), model_(model) {}

  // Imports `g` into model_->graphs[index].
  Status import_graph(const onnx::GraphProto& g, int index, const Scope* parent, bool is_main) {
    Scope scope(parent);
    IrGraph graph;
    graph.name = g.name();
    std::set<std::string> initializer_names;
    for (const auto& init : g.initializer()) {
      IrTensor t;
      t.name = init.name();
      QEDGE_ASSIGN_OR_RETURN(t.value, tensor_from_proto(init, options_.base_dir, init.name()));
      t.dtype = t.value.dtype;
      t.shape = t.value.shape;
      t.shape_known = true;
      t.is_constant = true;
      scope.define(init.name(), model_->add_tensor(std::move(t)));
      initializer_names.insert(init.name());
    }
    if (g.sparse_initializer_size() > 0) {
      return Unsupported("graph '" + g.name() + "' has sparse initializers, which are not supported");
    }
    for (const auto& in : g.input()) {
      if (initializer_names.count(in.name())) continue;  // an initializer listed as input is a constant
      IrTensor t;
      t.name = in.name();
      t.is_graph_input = true;
      QEDGE_RETURN_IF_ERROR(read_value_type(in, is_main, &t));
      const int idx = model_->add_tensor(std::move(t));
      scope.define(in.name(), idx);
      graph.inputs.push_back(idx);
    }
    model_->graphs[index].name = g.name();
    for (int n = 0; n < g.node_size(); ++n) {
      IrNode node;
      QEDGE_RETURN_IF_ERROR(import_node(g.node(n), n, &scope, &node));
      graph.nodes.push_back(std::move(node));
    }
    for (const auto& out : g.output()) {
      int idx = scope.lookup(out.name());
      if (idx < 0) return InvalidModel("graph '" + g.name() + "' output '" + out.name() + "' is not produced by any node");
      IrTensor& t = model_->tensors[idx];
      if (t.dtype == DType::kUndefined) {
        IrTensor declared;
        if (read_value_type(out, false, &declared).ok()) t.dtype = declared.dtype;
      }
      graph.outputs.push_back(idx);
    }
    model_->graphs[index].inputs = std::move(graph.inputs);
    model_->graphs[index].outputs = std::move(graph.outputs);
    model_->graphs[index].nodes = std::move(graph.nodes);
    return Status::Ok();
  }

 private:
  Status read_value_type(const onnx::ValueInfoProto& vi, bool pin, IrTensor* t) {
    if (!vi.type().has_tensor_type()) {
      return Unsupported("value '" + vi.name() + "' is not a tensor (sequence, map and optional types are not supported)");
    }
    const auto& tt = vi.type().tensor_type();
    if (!dtype_is_valid(tt.elem_type())) {
      return Unsupported("value '" + vi.name() + "' has unknown element type " + std::to_string(tt.elem_type()));
    }
    t->dtype = static_cast<DType>(tt.elem_type());
    if (pin) {
      auto it = options_.input_shapes.find(vi.name());
      if (it != options_.input_shapes.end()) {
        t->shape = it->second;
        t->shape_known = true;
        return Status::Ok();
      }
    }
    if (!tt.has_shape()) return Status::Ok();
    t->shape_known = true;
    for (const auto& d : tt.shape().dim()) {
      if (d.has_dim_value() && d.dim_value() >= 0) {
        t->shape.push_back(d.dim_value());
      } else {
        t->shape.push_back(-1);
        t->shape_known = false;
      }
    }
    return Status::Ok();
  }

  Status import_node(const onnx::NodeProto& p, int position, Scope* scope, IrNode* node) {
    node->op_type = p.op_type();
    node->domain = normalize_domain(p.domain());
    node->name = p.name().empty() ? p.op_type() + "_" + std::to_string(position) + "_" + std::to_string(unnamed_++)
                                  : p.name();
    node->opset = model_->opset_of(node->domain);
    for (const auto& in : p.input()) {
      if (in.empty()) {
        node->inputs.push_back(-1);
        continue;
      }
      const int idx = scope->lookup(in);
      if (idx < 0) {
        return InvalidModel(node_context(*node) + "input '" + in + "' is not a graph input, initializer or node output");
      }
      node->inputs.push_back(idx);
    }
    for (const auto& a : p.attribute()) {
      Attr attr;
      QEDGE_RETURN_IF_ERROR(import_attribute(a, *node, scope, &attr));
      node->attrs.set(std::move(attr));
    }
    for (const auto& out : p.output()) {
      if (out.empty()) {
        node->outputs.push_back(-1);
        continue;
      }
      IrTensor t;
      t.name = out;
      const int idx = model_->add_tensor(std::move(t));
      scope->define(out, idx);
      node->outputs.push_back(idx);
    }
    return Status::Ok();
  }

  Status import_attribute(const onnx::AttributeProto& a, const IrNode& node, const Scope* scope, Attr* attr) {
    attr->name = a.name();
    if (!a.ref_attr_name().empty()) {
      return Unsupported(node_context(node) + "attribute '" + a.name() + "' refers to a function attribute");
    }
    switch (a.type()) {
      case onnx::AttributeProto::INT:
        attr->kind = AttrKind::kInt;
        attr->i = a.i();
        break;
      case onnx::AttributeProto::FLOAT:
        attr->kind = AttrKind::kFloat;
        attr->f = a.f();
        break;
      case onnx::AttributeProto::STRING:
        attr->kind = AttrKind::kString;
        attr->s = a.s();
        break;
      case onnx::AttributeProto::INTS:
        attr->kind = AttrKind::kInts;
        attr->ints.assign(a.ints().begin(), a.ints().end());
        break;
      case onnx::AttributeProto::FLOATS:
        attr->kind = AttrKind::kFloats;
        attr->floats.assign(a.floats().begin(), a.floats().end());
        break;
      case onnx::AttributeProto::STRINGS:
        attr->kind = AttrKind::kStrings;
        attr->strings.assign(a.strings().begin(), a.strings().end());
        break;
      case onnx::AttributeProto::TENSOR: {
        attr->kind = AttrKind::kTensor;
        auto t = tensor_from_proto(a.t(), options_.base_dir, node.name + "." + a.name());
        if (!t.ok()) return t.status().with_context(node_context(node));
        attr->tensor = std::move(t).value();
        break;
      }
      case onnx::AttributeProto::GRAPH: {
        attr->kind = AttrKind::kGraph;
        attr->graph = static_cast<int>(model_->graphs.size());
        model_->graphs.emplace_back();
        QEDGE_RETURN_IF_ERROR(import_graph(a.g(), attr->graph, scope, false));
        break;
      }
      default:
        return Unsupported(node_context(node) + "attribute '" + a.name() + "' has an unsupported type (" +
                           onnx::AttributeProto::AttributeType_Name(a.type()) + ")");
    }
    return Status::Ok();
  }

  const ImportOptions& options_;
  IrModel* model_;
  int unnamed_ = 0;
};

}  // namespace

Result<IrModel> import_onnx_model(const onnx::ModelProto& proto, const ImportOptions& options) {
  IrModel model;
  model.producer = proto.producer_name();
  for (const auto& op : proto.opset_import()) model.opsets[normalize_domain(op.domain())] = static_cast<int>(op.version());
  if (proto.ir_version() < 3 && model.opsets.empty()) model.opsets[""] = 1;
  if (proto.functions_size() > 0) {
    std::set<std::string> used;
    for (const auto& f : proto.functions()) used.insert(f.domain() + "." + f.name());
    for (const auto& n : proto.graph().node()) {
      if (used.count(n.domain() + "." + n.op_type())) {
        return Unsupported("node '" + n.name() + "' (" + n.op_type() + ") calls a model-local function; "
                           "functions are not supported yet");
      }
    }
  }
  for (const auto& pinned : options.input_shapes) {
    bool found = false;
    for (const auto& in : proto.graph().input()) found |= in.name() == pinned.first;
    if (!found) return InvalidArgument("--input-shape names '" + pinned.first + "', which is not a graph input");
  }
  model.graphs.emplace_back();
  Importer importer(options, &model);
  QEDGE_RETURN_IF_ERROR(importer.import_graph(proto.graph(), 0, nullptr, true));
  return model;
}

Status load_model_proto(const std::string& path, onnx::ModelProto* model) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return IoError("cannot open model file " + path);
  google::protobuf::io::IstreamInputStream raw(&f);
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(INT32_MAX);
  if (!model->ParseFromCodedStream(&coded)) return InvalidModel(path + " is not a valid ONNX model (protobuf parse failed)");
  return Status::Ok();
}

Result<IrModel> import_onnx_file(const std::string& path, ImportOptions options) {
  onnx::ModelProto proto;
  QEDGE_RETURN_IF_ERROR(load_model_proto(path, &proto));
  if (options.base_dir.empty()) {
    const auto slash = path.find_last_of('/');
    options.base_dir = slash == std::string::npos ? "." : path.substr(0, slash);
  }
  return import_onnx_model(proto, options);
}

}  // namespace qedge::conv
