// The two passes over the calibration samples: collecting activation statistics on the float model, then
// measuring how far the quantized model's layer outputs and model outputs drift from the float ones (SQNR).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "qedge/kernel_api/status.h"
#include "qedge/quant/calibration.h"
#include "quantize/samples.h"
#include "quantize/tapped_model.h"

namespace qedge::cli::quantize {

// Observes `tensors` (tapped outputs of `model`, or graph inputs) over every sample.
Result<std::map<std::string, quant::Observer>> collect_statistics(TappedModel& model, const SampleSource& samples,
                                                                  const std::vector<InputInfo>& inputs,
                                                                  const std::vector<std::string>& tensors);

// SQNR in dB of each of `tensors` (tapped in both models), quantized vs float, over every sample.
Result<std::vector<double>> measure_sqnr(TappedModel& float_model, TappedModel& quantized_model,
                                         const SampleSource& samples, const std::vector<InputInfo>& inputs,
                                         const std::vector<std::string>& tensors);

}  // namespace qedge::cli::quantize
