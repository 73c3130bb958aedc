// Canonicalize: rewrites equivalent forms into one so later passes and kernels see fewer variants.
//  - Constant nodes become constant tensors.
#include <cstring>

#include "passes/pass.h"

namespace qedge::conv {
namespace {

template <typename T>
TensorData make_data(DType dtype, Dims shape, const std::vector<T>& values) {
  TensorData d;
  d.dtype = dtype;
  d.shape = std::move(shape);
  d.bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(d.bytes.data(), values.data(), d.bytes.size());
  return d;
}

Result<TensorData> constant_value(const IrNode& n) {
  if (n.attrs.all().size() != 1) {
    return InvalidModel(node_context(n) + "Constant needs exactly one value attribute");
  }
  const Attr& a = n.attrs.all()[0];
  if (a.name == "value" && a.kind == AttrKind::kTensor) return a.tensor;
  if (a.name == "value_float" && a.kind == AttrKind::kFloat) return make_data<float>(DType::kFloat32, {}, {a.f});
  if (a.name == "value_floats" && a.kind == AttrKind::kFloats) {
    return make_data<float>(DType::kFloat32, {static_cast<int64_t>(a.floats.size())}, a.floats);
  }
  if (a.name == "value_int" && a.kind == AttrKind::kInt) return make_data<int64_t>(DType::kInt64, {}, {a.i});
  if (a.name == "value_ints" && a.kind == AttrKind::kInts) {
    return make_data<int64_t>(DType::kInt64, {static_cast<int64_t>(a.ints.size())}, a.ints);
  }
  return Unsupported(node_context(n) + "Constant attribute '" + a.name + "' is not supported");
}

}  // namespace

Status canonicalize(IrModel& model, PassContext& ctx) {
  for (auto& graph : model.graphs) {
    std::vector<IrNode> kept;
    for (auto& n : graph.nodes) {
      if (n.op_type == "Constant" && n.domain.empty() && n.outputs.size() == 1 && n.outputs[0] >= 0) {
        QEDGE_ASSIGN_OR_RETURN(TensorData value, constant_value(n));
        IrTensor& t = model.tensors[n.outputs[0]];
        t.dtype = value.dtype;
        t.shape = value.shape;
        t.shape_known = true;
        t.is_constant = true;
        t.value = std::move(value);
        ctx.changed = true;
        continue;
      }
      kept.push_back(std::move(n));
    }
    graph.nodes = std::move(kept);
  }
  return Status::Ok();
}

}  // namespace qedge::conv
