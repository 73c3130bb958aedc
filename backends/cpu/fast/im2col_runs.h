// Implicit im2col, for packers that read a convolution's input planes directly instead of a column matrix: where a
// panel of im2col's columns (output positions [j0, j0 + cols), cols <= 32) reads its input for each kernel tap, as
// runs of panel columns that read one input row at the convolution's stride; columns outside every run are padding.
// Which columns a tap reads does not depend on the channel, so a panel's runs serve every channel of its k rows.
#pragma once

#include <cstdint>
#include <vector>

#include "common/nn_geometry.h"

namespace qedge::fast {

// Panel columns [first, first + count): column j reads element start + j * stride[2] of a channel's plane (start
// itself can lie outside it). For strides 1 and 2, `reads` has bit i set when element start + i is read, the
// footprint a masked load of 64 elements from start takes (0 for other strides).
struct Im2colRun {
  int64_t start;
  uint64_t reads;
  int32_t first, count;
};

class Im2colPanelRuns {
 public:
  // The runs of `count` consecutive taps from tap0 (wrapping past the last tap) over the panel's columns.
  void plan(const ref::NnGeometry& g, int64_t j0, int64_t cols, int64_t tap0, int64_t count);
  // Those of the i-th planned tap are runs()[i * per_tap(), (i + 1) * per_tap()), one per output row the panel
  // crosses (empty where that row reads only padding): the same number for every tap, so that a packer's loop over
  // them takes the same branches on every k row.
  const Im2colRun* runs() const { return runs_.data(); }
  int64_t per_tap() const { return per_tap_; }
  // Bit j of the i-th: panel column j reads inside the input for that tap (else it is padding).
  const uint32_t* inside() const { return inside_.data(); }

 private:
  // Where the panel crosses output rows: output row (o0, o1) from o2 on is panel columns [col, col + len).
  struct Segment {
    int64_t o0, o1, o2, col, len;
  };
  // A segment's run along its input row for one kernel column (start relative to the row), and its columns.
  struct Along {
    Im2colRun run;
    uint32_t columns;
  };
  std::vector<Segment> segments_;
  std::vector<Along> along_;
  std::vector<int64_t> rows_;  // per kernel row and segment: the input row's offset in the plane, -1 in the padding
  std::vector<Im2colRun> runs_;
  std::vector<uint32_t> inside_;
  int64_t per_tap_ = 0;
};

}  // namespace qedge::fast
