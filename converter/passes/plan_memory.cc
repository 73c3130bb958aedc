// Offline memory plan: every main-graph activation and input whose shape is static gets an offset in one
// arena. Tensors whose lifetimes overlap never share bytes; the rest reuse memory (greedy by size,
// lowest fitting offset). Dynamic tensors and subgraph values are allocated at run time.
#include <algorithm>

#include "passes/pass.h"
#include "qedge/format/format.h"

namespace qedge::conv {
namespace {

struct Interval {
  int tensor;
  int first;  // step that defines it (-1: graph input)
  int last;   // last step that reads it
  uint64_t bytes;
  uint64_t offset = 0;
};

void note_subgraph_reads(const IrModel& model, int graph, int step, std::vector<int>* last_use) {
  for (const IrNode& n : model.graphs[graph].nodes) {
    for (int i : n.inputs) {
      if (i >= 0) (*last_use)[i] = std::max((*last_use)[i], step);
    }
    for (const Attr& a : n.attrs.all()) {
      if (a.kind == AttrKind::kGraph) note_subgraph_reads(model, a.graph, step, last_use);
    }
  }
  for (int o : model.graphs[graph].outputs) (*last_use)[o] = std::max((*last_use)[o], step);
}

}  // namespace

Status plan_memory(IrModel& model, PassContext&) {
  const IrGraph& main = model.main();
  const int steps = static_cast<int>(main.nodes.size());
  std::vector<int> first_def(model.tensors.size(), -2);
  std::vector<int> last_use(model.tensors.size(), -1);
  for (int in : main.inputs) first_def[in] = -1;
  for (int k = 0; k < steps; ++k) {
    const IrNode& n = main.nodes[k];
    for (int i : n.inputs) {
      if (i >= 0) last_use[i] = std::max(last_use[i], k);
    }
    for (const Attr& a : n.attrs.all()) {
      if (a.kind == AttrKind::kGraph) note_subgraph_reads(model, a.graph, k, &last_use);
    }
    for (int o : n.outputs) {
      if (o >= 0) {
        first_def[o] = k;
        last_use[o] = std::max(last_use[o], k);
      }
    }
  }
  // Outputs are read after the last step; inputs stay intact so a session can run again without new inputs.
  for (int o : main.outputs) last_use[o] = steps;
  for (int i : main.inputs) last_use[i] = steps;

  std::vector<Interval> intervals;
  for (size_t t = 0; t < model.tensors.size(); ++t) {
    IrTensor& tensor = model.tensors[t];
    tensor.arena_offset = -1;
    if (first_def[t] == -2 || tensor.is_constant || !tensor.shape_known || tensor.dtype == DType::kUndefined) continue;
    const uint64_t bytes = format::align_up(dtype_storage_bytes(tensor.dtype, num_elements(tensor.shape)),
                                            format::kSegmentAlignment);
    intervals.push_back({static_cast<int>(t), first_def[t], last_use[t], std::max<uint64_t>(bytes, 64)});
  }
  std::sort(intervals.begin(), intervals.end(), [](const Interval& a, const Interval& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.first < b.first;
  });
  std::vector<const Interval*> placed;
  uint64_t arena = 0;
  for (Interval& iv : intervals) {
    // Candidate offsets: 0 and the end of each placed block whose lifetime overlaps.
    std::vector<const Interval*> overlapping;
    for (const Interval* p : placed) {
      if (p->first <= iv.last && iv.first <= p->last) overlapping.push_back(p);
    }
    std::sort(overlapping.begin(), overlapping.end(),
              [](const Interval* a, const Interval* b) { return a->offset < b->offset; });
    uint64_t offset = 0;
    for (const Interval* p : overlapping) {
      if (offset + iv.bytes <= p->offset) break;
      offset = std::max(offset, p->offset + p->bytes);
    }
    iv.offset = offset;
    arena = std::max(arena, offset + iv.bytes);
    placed.push_back(&iv);
    model.tensors[iv.tensor].arena_offset = static_cast<int64_t>(offset);
  }
  model.arena_bytes = arena;
  return Status::Ok();
}

}  // namespace qedge::conv
