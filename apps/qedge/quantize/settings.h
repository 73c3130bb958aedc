// Per-layer quantization settings: command-line defaults, overridden by a JSON config file
// (top-level defaults, then "first"/"last", then "layers"."<name>").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "qedge/kernel_api/status.h"
#include "qedge/quant/calibration.h"
#include "quantize/layers.h"

namespace qedge::cli::quantize {

// Bit widths qedge quantize accepts (QONNX allows more; wider than 16 gains nothing over float here).
constexpr int kMinBits = 1;
constexpr int kMaxBits = 16;

struct LayerSettings {
  bool keep_float = false;
  int weight_bits = 8;
  int act_bits = 8;
  bool per_channel = false;
  quant::ScaleOptions scale;
};

// A partial LayerSettings: what one config entry sets.
struct LayerOverride {
  std::optional<bool> keep_float;
  std::optional<int> weight_bits, act_bits;
  std::optional<bool> per_channel;
  std::optional<quant::CalibrationMethod> method;
  std::optional<double> percentile;

  void apply_to(LayerSettings* s) const;
};

struct QuantConfig {
  LayerOverride defaults;
  std::optional<LayerOverride> first, last;
  std::map<std::string, LayerOverride> layers;
};

// Reads a config file. Errors name the file and the offending key or layer.
Result<QuantConfig> read_config_file(const std::string& path);

// Parses "B" (1..16) or "float", as --first/--last and config entries take them.
std::optional<LayerOverride> parse_bits_or_float(const std::string& text);

// Settings for every layer, in order. Fails when the config names a layer the model does not have.
Result<std::vector<LayerSettings>> resolve_settings(const std::vector<Layer>& layers, const LayerSettings& defaults,
                                                    const QuantConfig& config);

}  // namespace qedge::cli::quantize
