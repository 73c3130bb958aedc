#include <algorithm>
#include <cmath>

#include "common/dispatch.h"
#include "common/kernel_util.h"

namespace qedge::ref {

namespace {

struct Box {
  float y1, x1, y2, x2;
  float area() const { return (y2 - y1) * (x2 - x1); }
};

// Boxes are [y1, x1, y2, x2] with corners in either order (center_point_box 0) or
// [x_center, y_center, width, height] (center_point_box 1).
Box read_box(const float* p, bool center) {
  if (center) {
    return {p[1] - p[3] / 2, p[0] - p[2] / 2, p[1] + p[3] / 2, p[0] + p[2] / 2};
  }
  return {std::min(p[0], p[2]), std::min(p[1], p[3]), std::max(p[0], p[2]), std::max(p[1], p[3])};
}

float iou(const Box& a, const Box& b) {
  const float h = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  const float w = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
  if (h <= 0 || w <= 0) return 0.0f;
  const float inter = h * w;
  const float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

// The output's length depends on the input values, so the selection happens in prepare and
// run copies it out.
class NonMaxSuppressionKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& boxes = *ctx.input(0);
    const Tensor& scores = *ctx.input(1);
    if (boxes.dtype != DType::kFloat32 || scores.dtype != DType::kFloat32) {
      return unsupported_type("NonMaxSuppression", boxes.dtype != DType::kFloat32 ? boxes.dtype : scores.dtype);
    }
    if (boxes.rank() != 3 || boxes.shape[2] != 4 || scores.rank() != 3 || scores.shape[0] != boxes.shape[0] ||
        scores.shape[2] != boxes.shape[1]) {
      return ShapeMismatch("NonMaxSuppression needs boxes [B,N,4] and scores [B,C,N], got " +
                           dims_to_string(boxes.shape) + " and " + dims_to_string(scores.shape));
    }
    for (int i = 0; i < 5; ++i) QEDGE_RETURN_IF_ERROR(require_value(ctx, i));
    int64_t max_out = 0;
    double iou_th = 0.0;
    double score_th = 0.0;
    const bool has_score_th = ctx.input(4) != nullptr && ctx.input(4)->numel() > 0;
    if (ctx.input(2) != nullptr && ctx.input(2)->numel() > 0) {
      std::vector<int64_t> v;
      QEDGE_RETURN_IF_ERROR(read_int_values(ctx.input(2)->dtype, ctx.input(2)->data, 1, "max_output_boxes_per_class", &v));
      max_out = v[0];
    }
    if (ctx.input(3) != nullptr && ctx.input(3)->numel() > 0) iou_th = read_as_double(ctx.input(3)->dtype, ctx.input(3)->data, 0);
    if (has_score_th) score_th = read_as_double(ctx.input(4)->dtype, ctx.input(4)->data, 0);
    const bool center = ctx.attr().get_int("center_point_box", 0) != 0;

    selected_.clear();
    const int64_t nb = boxes.shape[0], nc = scores.shape[1], n = boxes.shape[1];
    const float* pb = boxes.data_as<float>();
    const float* ps = scores.data_as<float>();
    for (int64_t b = 0; b < nb && max_out > 0; ++b) {
      for (int64_t c = 0; c < nc; ++c) {
        const float* s = ps + (b * nc + c) * n;
        std::vector<int64_t> order;
        for (int64_t i = 0; i < n; ++i) {
          if (!has_score_th || s[i] > score_th) order.push_back(i);
        }
        std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return s[x] > s[y]; });
        std::vector<Box> kept;
        for (int64_t i : order) {
          if (static_cast<int64_t>(kept.size()) >= max_out) break;
          const Box box = read_box(pb + (b * n + i) * 4, center);
          if (std::any_of(kept.begin(), kept.end(), [&](const Box& k) { return iou(k, box) > iou_th; })) continue;
          kept.push_back(box);
          selected_.insert(selected_.end(), {b, c, i});
        }
      }
    }
    set_output(ctx, 0, DType::kInt64, {static_cast<int64_t>(selected_.size() / 3), 3});
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    std::copy(selected_.begin(), selected_.end(), ctx.output(0)->data_as<int64_t>());
    return Status::Ok();
  }

 private:
  std::vector<int64_t> selected_;  // (batch, class, box) triples
};

}  // namespace

void register_non_max_suppression(KernelRegistry& r) {
  r.add("", "NonMaxSuppression", [] { return std::make_unique<NonMaxSuppressionKernel>(); });
}

}  // namespace qedge::ref
