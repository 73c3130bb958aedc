#include "quantize/progress.h"

#include <unistd.h>

#include <cstdio>

namespace qedge::cli::quantize {

constexpr int kWidth = 30;

ProgressBar::ProgressBar(std::string label, size_t total, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total), tty_(::isatty(2)) {
  update(0);
}

ProgressBar::~ProgressBar() {
  // A bar left unfinished (an error stopped the loop) still ends its line, so the error starts on a new one.
  if (tty_ && !finished_) std::fputc('\n', stderr);
}

void ProgressBar::update(size_t done) {
  const size_t total = total_ ? total_ : 1;
  if (tty_) {
    const int filled = static_cast<int>(kWidth * done / total);
    std::fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu %s", label_.c_str(), filled,
                 "##############################", kWidth - filled, "", done, total_, unit_.c_str());
    if (done >= total_) {
      std::fputc('\n', stderr);
      finished_ = true;
    }
  } else {
    const int quarter = static_cast<int>(4 * done / total);
    if (quarter == last_quarter_) return;
    last_quarter_ = quarter;
    std::fprintf(stderr, "%s: %zu/%zu %s\n", label_.c_str(), done, total_, unit_.c_str());
  }
  std::fflush(stderr);
}

}  // namespace qedge::cli::quantize
