// A progress bar on stderr: "label [#####     ] 12/40 samples" (or another unit), redrawn in place with \r on a terminal; when
// stderr is a file or pipe, a plain line at 0 % and every further 25 % so logs stay short.
#pragma once

#include <cstddef>
#include <string>

namespace qedge::cli::quantize {

class ProgressBar {
 public:
  ProgressBar(std::string label, size_t total, std::string unit = "samples");
  ~ProgressBar();
  void update(size_t done);

 private:
  std::string label_;
  std::string unit_;
  size_t total_;
  bool tty_;
  int last_quarter_ = -1;
  bool finished_ = false;
};

}  // namespace qedge::cli::quantize
