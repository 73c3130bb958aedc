// The per-layer table `qedge quantize` prints: what each layer became and how much accuracy its output keeps.
#pragma once

#include <string>
#include <vector>

#include "quantize/layers.h"
#include "quantize/qonnx_rewrite.h"
#include "quantize/settings.h"

namespace qedge::cli::quantize {

struct ModelOutputSqnr {
  std::string name;
  double db = 0;
};

// Prints the table to stdout; the quantized layer with the lowest SQNR is marked "<- lowest".
void print_report(const std::vector<Layer>& layers, const std::vector<LayerSettings>& settings,
                  const std::vector<QuantizedLayer>& done, const std::vector<double>& layer_db,
                  const std::vector<ModelOutputSqnr>& outputs);

}  // namespace qedge::cli::quantize
