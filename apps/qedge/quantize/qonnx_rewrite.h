// Turns a float ONNX model into a QONNX one: a Quant (or BipolarQuant) node in front of each quantized layer's
// weight and activation, domain qonnx.custom_op.general, float weights kept (QONNX fake-quantization form, as
// FINN and hls4ml take it). Biases stay float.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"
#include "qedge/kernel_api/status.h"
#include "qedge/kernel_api/tensor.h"
#include "qedge/quant/calibration.h"
#include "quantize/layers.h"
#include "quantize/settings.h"

namespace qedge::cli::quantize {

constexpr const char* kQonnxDomain = "qonnx.custom_op.general";

// What was done to one layer (for the report).
struct QuantizedLayer {
  bool quantized = false;
  bool act_signed = true;
  bool per_channel = false;  // one weight scale per output channel
};

// Rewrites `model` in place. `weights` holds every quantized layer's weight values (float32) and `activations`
// the calibration statistics of its activation input. Node and tensor names derive from the layer: <layer>_weight_quant, <layer>_weight_scale,
// <layer>_act_quant, ... (suffixed _1, _2, ... if the model already uses the name). Unnamed layer nodes get
// the layer's name.
Result<std::vector<QuantizedLayer>> insert_quantizers(onnx::ModelProto* model, const std::vector<Layer>& layers,
                                                      const std::vector<LayerSettings>& settings,
                                                      const std::map<std::string, TensorData>& weights,
                                                      const std::map<std::string, quant::Observer>& activations);

}  // namespace qedge::cli::quantize
