#include "bench/charts.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>

#include "bench/svg.h"

namespace qedge::cli::bench {
namespace {

constexpr int kWidth = 900;
constexpr int kLeft = 230;      // room for row labels
constexpr int kRight = 170;     // room for values and legends
constexpr int kRowHeight = 26;

std::string num(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string row_label(const Record& r) { return r.model + " / " + r.backend; }

std::string bits_key(const Record& r) {
  if (!r.weight_bits) return "float";
  return "w" + std::to_string(*r.weight_bits) + (r.act_bits ? "a" + std::to_string(*r.act_bits) : "");
}

Status save(const std::string& path, const Svg& svg) {
  std::ofstream f(path);
  if (!f) return IoError("cannot write " + path);
  f << svg.str();
  return f.good() ? Status::Ok() : IoError("cannot write " + path);
}

Svg latency_chart(const std::vector<Record>& records) {
  const bool ort = std::any_of(records.begin(), records.end(), [](const Record& r) { return r.ort_median_ms; });
  const int bars = ort ? 2 : 1;
  const int height = 70 + static_cast<int>(records.size()) * kRowHeight * bars + 30;
  Svg svg(kWidth, height, "Median latency by model and backend (ms)");
  double top = 0;
  for (const Record& r : records) top = std::max({top, r.median_ms, r.ort_median_ms.value_or(0)});
  const double scale = top > 0 ? (kWidth - kLeft - kRight) / top : 0;
  double y = 50;
  svg.line(kLeft, y - 5, kLeft, height - 30, "#333");
  for (const Record& r : records) {
    svg.text(kLeft - 8, y + 15, row_label(r), "end");
    svg.rect(kLeft, y + 3, r.median_ms * scale, kRowHeight - 8, palette(0),
             row_label(r) + ": median " + num("%.4f", r.median_ms) + " ms, p90 " + num("%.4f", r.p90_ms) + " ms");
    svg.text(kLeft + r.median_ms * scale + 6, y + 15, "qedge " + num("%.4f", r.median_ms) + " ms");
    y += kRowHeight;
    if (ort) {
      const double v = r.ort_median_ms.value_or(0);
      svg.rect(kLeft, y + 3, v * scale, kRowHeight - 8, palette(1), r.model + ": ONNX Runtime median");
      svg.text(kLeft + v * scale + 6, y + 15, r.ort_median_ms ? "ORT " + num("%.4f", v) + " ms" : "ORT: not measured");
      y += kRowHeight;
    }
  }
  svg.text(kLeft, height - 10, "threads: " + (records.empty() ? std::string("-") : std::to_string(records[0].threads)));
  return svg;
}

Svg accuracy_size_chart(const std::vector<Record>& records) {
  std::vector<const Record*> points;
  for (const Record& r : records) {
    if (r.accuracy) points.push_back(&r);
  }
  const int height = 460;
  // The right margin leaves room for the label of the largest model's point.
  const double x0 = 90, x1 = kWidth - 200, y0 = height - 60.0, y1 = 70;
  Svg svg(kWidth, height, "Accuracy against model size per bit width (.qedge file bytes)");
  svg.line(x0, y0, x1, y0, "#333");
  svg.line(x0, y0, x0, y1, "#333");
  svg.text((x0 + x1) / 2, height - 20, "file size (bytes)", "middle");
  svg.text(20, (y0 + y1) / 2, "accuracy", "start");
  if (points.empty()) {
    svg.text((x0 + x1) / 2, (y0 + y1) / 2, "no model has an eval set", "middle");
    return svg;
  }
  double lo_acc = 1, max_bytes = 1;
  for (const Record* r : points) {
    lo_acc = std::min(lo_acc, *r->accuracy);
    max_bytes = std::max(max_bytes, static_cast<double>(r->file_bytes));
  }
  const double acc_floor = std::max(0.0, std::floor(lo_acc * 10 - 1) / 10);
  auto px = [&](double bytes) { return x0 + (x1 - x0) * bytes / (max_bytes * 1.05); };
  auto py = [&](double acc) { return y0 - (y0 - y1) * (acc - acc_floor) / (1.0 - acc_floor + 1e-9); };
  for (int t = 0; t <= 4; ++t) {
    const double acc = acc_floor + (1.0 - acc_floor) * t / 4;
    svg.text(x0 - 6, py(acc) + 4, num("%.2f", acc), "end", 10);
    const double bytes = max_bytes * 1.05 * t / 4;
    svg.text(px(bytes), y0 + 16, num("%.0f", bytes), "middle", 10);
  }
  // One line per family (and backend), through its models in order of size.
  std::map<std::string, std::vector<const Record*>> families;
  for (const Record* r : points) families[(r->family.empty() ? r->model : r->family) + "/" + r->backend].push_back(r);
  for (auto& [name, members] : families) {
    std::sort(members.begin(), members.end(), [](const Record* a, const Record* b) { return a->file_bytes < b->file_bytes; });
    for (size_t i = 1; i < members.size(); ++i) {
      svg.line(px(members[i - 1]->file_bytes), py(*members[i - 1]->accuracy), px(members[i]->file_bytes),
               py(*members[i]->accuracy), "#bbb");
    }
  }
  std::vector<std::string> keys;
  for (const Record* r : points) {
    if (std::find(keys.begin(), keys.end(), bits_key(*r)) == keys.end()) keys.push_back(bits_key(*r));
  }
  for (const Record* r : points) {
    const size_t colour = std::find(keys.begin(), keys.end(), bits_key(*r)) - keys.begin();
    const double cx = px(r->file_bytes), cy = py(*r->accuracy);
    svg.circle(cx, cy, 5, palette(colour), r->model + " (" + bits_key(*r) + "): " + num("%.4f", *r->accuracy));
    svg.text(cx + 8, cy - 6, r->model + " " + num("%.4f", *r->accuracy) + " @ " + std::to_string(r->file_bytes) + " B", "start", 10);
  }
  // The legend runs in one line under the title.
  for (size_t k = 0; k < keys.size(); ++k) {
    svg.circle(x0 + 10 + 90.0 * k, 44, 5, palette(k));
    svg.text(x0 + 20 + 90.0 * k, 48, keys[k]);
  }
  return svg;
}

Svg ops_chart(const std::vector<Record>& records) {
  std::vector<std::string> ops;
  for (const Record& r : records) {
    for (const OpTime& o : r.top_ops) {
      if (std::find(ops.begin(), ops.end(), o.op) == ops.end()) ops.push_back(o.op);
    }
  }
  const int height = 60 + static_cast<int>(records.size()) * kRowHeight * 2 + 20 * static_cast<int>(ops.size()) + 20;
  Svg svg(kWidth, height, "Per-op share of time (profiled pass)");
  const double bar = kWidth - kLeft - kRight;
  double y = 50;
  for (const Record& r : records) {
    svg.text(kLeft - 8, y + 15, row_label(r), "end");
    double x = kLeft, covered = 0;
    std::string detail;
    for (const OpTime& o : r.top_ops) {
      const size_t colour = std::find(ops.begin(), ops.end(), o.op) - ops.begin();
      svg.rect(x, y + 3, o.share * bar, kRowHeight - 8, palette(colour),
               o.op + ": " + num("%.4f", o.ms) + " ms (" + num("%.1f", 100 * o.share) + "%)");
      x += o.share * bar;
      covered += o.share;
      detail += (detail.empty() ? "" : ", ") + o.op + " " + num("%.4f", o.ms) + " ms " + num("%.1f%%", 100 * o.share);
    }
    if (covered < 0.999) svg.rect(x, y + 3, (1 - covered) * bar, kRowHeight - 8, "#e0e0e0", "other ops");
    svg.text(20, y + kRowHeight + 12, detail, "start", 10);
    y += 2 * kRowHeight;
  }
  for (size_t k = 0; k < ops.size(); ++k) {
    svg.rect(kLeft, y + 20.0 * k, 12, 12, palette(k));
    svg.text(kLeft + 18, y + 20.0 * k + 11, ops[k]);
  }
  return svg;
}

}  // namespace

Status write_charts(const std::string& dir, const std::vector<Record>& records) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return IoError("cannot create plot folder " + dir + ": " + std::strerror(errno));
  }
  QEDGE_RETURN_IF_ERROR(save(dir + "/latency.svg", latency_chart(records)));
  QEDGE_RETURN_IF_ERROR(save(dir + "/accuracy_size.svg", accuracy_size_chart(records)));
  return save(dir + "/ops.svg", ops_chart(records));
}

}  // namespace qedge::cli::bench
