// Measures one model on one backend for `qedge bench`. An .onnx input is converted in one child process and
// measured in another, both forked from the small parent, so that the peak RSS is this model's runtime alone (not
// the converter's, nor an earlier model's) and a model that crashes the runtime costs its own row, not the run.
#pragma once

#include <string>

#include "bench/record.h"
#include "qedge/kernel_api/status.h"

namespace qedge::cli::bench {

struct Job {
  std::string path;        // .onnx or .qedge
  std::string backend;     // preferred backend for .onnx conversion
  std::string eval_data;   // eval set folder; empty for none
  int threads = 1;
  int runs = 20;
};

// Fills the measured fields of a Record (timings, memory, sizes, top ops, accuracy and predictions when there is an
// eval set); the caller adds the zoo metadata. The measuring child: reset the RSS peak -> load -> first run -> one
// warm-up run -> `runs` timed runs -> peak RSS -> a separate profiled pass -> the eval set.
Result<Record> measure(const Job& job);

}  // namespace qedge::cli::bench
