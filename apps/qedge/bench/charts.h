// `qedge bench --plot DIR`: latency.svg (median latency by model and backend, ONNX Runtime beside it when measured),
// accuracy_size.svg (accuracy against file size per weight bit width: the precision/size trade-off) and ops.svg
// (per-op share of each model's time). Every bar and point carries its number as text.
#pragma once

#include <string>
#include <vector>

#include "bench/record.h"
#include "qedge/kernel_api/status.h"

namespace qedge::cli::bench {

// Creates DIR when missing.
Status write_charts(const std::string& dir, const std::vector<Record>& records);

}  // namespace qedge::cli::bench
