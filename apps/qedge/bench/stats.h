// Summary statistics of latency samples.
#pragma once

#include <vector>

namespace qedge::cli::bench {

// The p-th percentile (0..100) with linear interpolation between closest ranks (numpy's default, and what
// apps/peer/ort_bench.mjs computes, so the two runtimes' numbers compare); 0 for no samples.
double percentile(std::vector<double> samples, double p);

}  // namespace qedge::cli::bench
