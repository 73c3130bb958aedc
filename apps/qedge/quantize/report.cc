#include "quantize/report.h"

#include <cmath>
#include <cstdio>

namespace qedge::cli::quantize {
namespace {

std::string format_db(double db) {
  if (std::isnan(db)) return "nan";
  if (std::isinf(db)) return db > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", db);
  return buf;
}

std::string int_type(int bits, bool is_signed) {
  if (bits == 1 && is_signed) return "bipolar";
  return (is_signed ? "int" : "uint") + std::to_string(bits);
}

}  // namespace

void print_report(const std::vector<Layer>& layers, const std::vector<LayerSettings>& settings,
                  const std::vector<QuantizedLayer>& done, const std::vector<double>& layer_db,
                  const std::vector<ModelOutputSqnr>& outputs) {
  int lowest = -1;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (done[i].quantized && (lowest < 0 || layer_db[i] < layer_db[lowest])) lowest = static_cast<int>(i);
  }
  std::printf("\n%-24s %-7s %-8s %-8s %-12s %-11s %10s\n", "layer", "op", "weight", "act", "weight scale", "method",
              "SQNR (dB)");
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerSettings& s = settings[i];
    const bool q = done[i].quantized;
    const std::string weight = q ? int_type(s.weight_bits, true) : "float";
    const std::string act = q ? int_type(s.act_bits, done[i].act_signed) : "float";
    const std::string granularity = !q ? "-" : done[i].per_channel ? "per-channel" : "per-tensor";
    std::printf("%-24s %-7s %-8s %-8s %-12s %-11s %10s%s\n", layers[i].name.c_str(), layers[i].op.c_str(),
                weight.c_str(), act.c_str(), granularity.c_str(), q ? quant::calibration_method_name(s.scale.method) : "-",
                format_db(layer_db[i]).c_str(), static_cast<int>(i) == lowest ? "  <- lowest" : "");
  }
  for (const ModelOutputSqnr& o : outputs) {
    std::printf("%-74s %10s\n", ("model output '" + o.name + "'").c_str(), format_db(o.db).c_str());
  }
}

}  // namespace qedge::cli::quantize
