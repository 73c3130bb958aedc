// qedge quantize IN.onnx -o OUT.onnx --calib DIR|--random N [options]: post-training quantization to QONNX.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>

#include "cli.h"
#include "onnx/onnx_importer.h"
#include "onnx/tensor_proto.h"
#include "qedge/converter/converter.h"
#include "quantize/calibrate.h"
#include "quantize/layers.h"
#include "quantize/qonnx_rewrite.h"
#include "quantize/report.h"
#include "quantize/samples.h"
#include "quantize/settings.h"
#include "quantize/tapped_model.h"

namespace qedge::cli {
namespace {

using namespace quantize;

const char* kHelp =
    "usage: qedge quantize IN.onnx -o OUT.onnx (--calib DIR | --random N) [options]\n"
    "\n"
    "Post-training quantization: calibrates the float model on sample inputs (running it with qedge), writes a\n"
    "QONNX model (Quant/BipolarQuant nodes, domain qonnx.custom_op.general, float weights kept) that qedge, FINN\n"
    "and hls4ml read, then runs both models on the samples and prints, per layer, the SQNR of the layer's output\n"
    "(quantized vs float) and of each model output; the layer that loses most is marked. The output is written\n"
    "atomically: a failure leaves no file.\n"
    "\n"
    "Quantized layers: Conv, MatMul and Gemm of the main graph whose weight (second input) is a float32\n"
    "constant: an initializer, or computed from initializers only (e.g. a Transpose of one). Each gets a weight\n"
    "quantizer (signed, narrow range, symmetric) and a quantizer on its activation input (unsigned when the\n"
    "calibrated minimum is >= 0, e.g. after Relu, else signed; zero point 0). 1-bit signed quantizers are\n"
    "BipolarQuant with scale mean|x|. Biases and all other operators stay float.\n"
    "\n"
    "  -o FILE              output QONNX model (required)\n"
    "  --calib DIR          calibration samples: .npy or .pb (ONNX TensorProto) files, one full input tensor each,\n"
    "                       taken in name order. A model with several inputs needs one subfolder per input, named\n"
    "                       after it ('/', '\\' and ':' replaced by '_'), with the same number of files each; the\n"
    "                       i-th files form sample i. All samples must have the same shapes; float64 and\n"
    "                       float16 samples of a float32 input are converted.\n"
    "  --random N           N random samples instead: uniform in [-1, 1), dynamic dimensions 1 (float inputs only)\n"
    "  --seed S             seed for --random (default 0)\n"
    "  --weight-bits B      weight bit width, 1..16 (default 8)\n"
    "  --act-bits B         activation bit width, 1..16 (default 8)\n"
    "  --per-channel        one weight scale per output channel (Conv: axis 0; MatMul [K,N]: N; Gemm: per transB)\n"
    "  --method M           how scales are chosen from the statistics, for weights and activations:\n"
    "                         minmax      max |x| maps to the largest level (default)\n"
    "                         percentile  the --percentile of |x| does; rarer outliers clip\n"
    "                         mse         the clipping threshold that minimizes the expected squared error\n"
    "  --percentile P       for --method percentile, in (0, 100] (default 99.99)\n"
    "  --first B|float      bit width of the first quantizable layer, or keep it float\n"
    "  --last B|float       the same for the last one\n"
    "  --config FILE        JSON per-layer settings; they override the flags above. Keys: weight_bits, act_bits,\n"
    "                       per_channel, method, percentile, float (true keeps layers float), first, last, layers.\n"
    "                       first, last and each layers entry take a bit width (weights and activations), \"float\",\n"
    "                       or an object of the per-layer keys. Layers are named as in the table (node name, or\n"
    "                       its first output when unnamed). Later entries win: top level, first, last, layers.\n"
    "                       {\"weight_bits\": 4, \"act_bits\": 4, \"per_channel\": true, \"method\": \"mse\",\n"
    "                        \"first\": 8, \"last\": \"float\", \"layers\": {\"conv2\": {\"weight_bits\": 2}, \"fc\": \"float\"}}\n"
    "  --threads N          worker threads for running the models (default 1)\n"
    "\n"
    "Progress and notes (e.g. Conv/MatMul/Gemm nodes left float, and why) go to stderr; the table to stdout.\n";

bool parse_int(const std::string& text, long long lo, long long hi, long long* out) {
  if (text.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno || *end || v < lo || v > hi) return false;
  *out = v;
  return true;
}

// Command-line settings; usage errors come back as the message.
std::string read_flags(const Args& args, LayerSettings* defaults, QuantConfig* cli_edges) {
  long long v;
  if (args.has("--weight-bits")) {
    if (!parse_int(args.get("--weight-bits"), kMinBits, kMaxBits, &v)) return "--weight-bits must be 1..16";
    defaults->weight_bits = static_cast<int>(v);
  }
  if (args.has("--act-bits")) {
    if (!parse_int(args.get("--act-bits"), kMinBits, kMaxBits, &v)) return "--act-bits must be 1..16";
    defaults->act_bits = static_cast<int>(v);
  }
  defaults->per_channel = args.has("--per-channel");
  if (args.has("--method") && !quant::parse_calibration_method(args.get("--method"), &defaults->scale.method)) {
    return "--method must be minmax, percentile or mse, got '" + args.get("--method") + "'";
  }
  if (args.has("--percentile")) {
    char* end = nullptr;
    const std::string text = args.get("--percentile");
    const double p = std::strtod(text.c_str(), &end);
    if (text.empty() || *end || !(p > 0 && p <= 100)) return "--percentile must be a number in (0, 100]";
    defaults->scale.percentile = p;
  }
  for (const char* flag : {"--first", "--last"}) {
    if (!args.has(flag)) continue;
    auto o = parse_bits_or_float(args.get(flag));
    if (!o) return std::string(flag) + " must be a bit width 1..16 or 'float', got '" + args.get(flag) + "'";
    (std::string(flag) == "--first" ? cli_edges->first : cli_edges->last) = o;
  }
  return "";
}

// Copies external-data initializers into the model, so that copies of it can be written anywhere.
Status internalize_external_data(onnx::ModelProto* model, const std::string& base_dir) {
  for (auto& init : *model->mutable_graph()->mutable_initializer()) {
    if (init.data_location() != onnx::TensorProto::EXTERNAL) continue;
    QEDGE_ASSIGN_OR_RETURN(TensorData t, conv::tensor_from_proto(init, base_dir, init.name()));
    onnx::TensorProto inline_copy;
    conv::tensor_to_proto(t, init.name(), &inline_copy);
    init = std::move(inline_copy);
  }
  return Status::Ok();
}

Result<std::vector<InputInfo>> graph_inputs(const onnx::GraphProto& g) {
  std::vector<InputInfo> inputs;
  for (const auto& in : g.input()) {
    bool is_initializer = false;
    for (const auto& t : g.initializer()) is_initializer |= t.name() == in.name();
    if (is_initializer) continue;
    if (!in.type().has_tensor_type() || !dtype_is_valid(in.type().tensor_type().elem_type())) {
      return Unsupported("input '" + in.name() + "' is not a tensor of a known element type");
    }
    InputInfo info;
    info.name = in.name();
    info.dtype = static_cast<DType>(in.type().tensor_type().elem_type());
    for (const auto& d : in.type().tensor_type().shape().dim()) info.dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
    inputs.push_back(std::move(info));
  }
  return inputs;
}

struct Plan {
  std::vector<Layer> layers;
  std::vector<LayerSettings> settings;
  std::vector<std::string> activations;    // observed: inputs of quantized layers
  std::vector<std::string> computed_weights;  // weights that are not initializers, read from the float model
  std::vector<std::string> compared;       // layer outputs, then model outputs
  std::vector<std::string> model_outputs;
};

// The values of every quantized layer's weight: initializers from the model, computed weights from the float
// model's last run. A weight that turns out not to be float32 keeps its layer float.
Result<std::map<std::string, TensorData>> weight_values(const onnx::ModelProto& model, const TappedModel& float_model,
                                                        Plan& plan) {
  std::map<std::string, TensorData> weights;
  for (size_t i = 0; i < plan.layers.size(); ++i) {
    const Layer& l = plan.layers[i];
    if (plan.settings[i].keep_float || weights.count(l.weight)) continue;
    TensorData w;
    if (l.weight_is_initializer) {
      for (const auto& init : model.graph().initializer()) {
        if (init.name() != l.weight) continue;
        QEDGE_ASSIGN_OR_RETURN(w, conv::tensor_from_proto(init, ".", l.weight));
      }
    } else {
      QEDGE_ASSIGN_OR_RETURN(w, float_model.output(l.weight));
    }
    if (w.dtype != DType::kFloat32) {
      std::fprintf(stderr, "qedge quantize: note: %s '%s' stays float: its weight '%s' is %s, not float32\n",
                   l.op.c_str(), l.name.c_str(), l.weight.c_str(), dtype_name(w.dtype));
      plan.settings[i].keep_float = true;
      continue;
    }
    weights[l.weight] = std::move(w);
  }
  return weights;
}

struct RunOptions {
  int64_t random_count = 0;
  uint64_t seed = 0;
  int threads = 1;
};

Status run_quantize(const Args& args, const RunOptions& run, const LayerSettings& defaults, QuantConfig config) {
  const std::string in_path = args.positional()[0], out_path = args.get("-o");
  onnx::ModelProto model;
  QEDGE_RETURN_IF_ERROR(conv::load_model_proto(in_path, &model));
  const auto slash = in_path.find_last_of('/');
  QEDGE_RETURN_IF_ERROR(internalize_external_data(&model, slash == std::string::npos ? "." : in_path.substr(0, slash)));

  Plan plan;
  std::vector<std::string> skipped;
  plan.layers = find_layers(model.graph(), &skipped);
  for (const std::string& why : skipped) std::fprintf(stderr, "qedge quantize: note: %s\n", why.c_str());
  if (plan.layers.empty()) {
    return InvalidArgument(in_path + " has no quantizable layer (Conv, MatMul or Gemm with a constant weight)");
  }
  QEDGE_ASSIGN_OR_RETURN(plan.settings, resolve_settings(plan.layers, defaults, config));
  for (size_t i = 0; i < plan.layers.size(); ++i) {
    const Layer& l = plan.layers[i];
    if (!plan.settings[i].keep_float) {
      plan.activations.push_back(l.activation);
      if (!l.weight_is_initializer) plan.computed_weights.push_back(l.weight);
    }
    plan.compared.push_back(l.output);
  }
  for (const auto& out : model.graph().output()) {
    plan.model_outputs.push_back(out.name());
    plan.compared.push_back(out.name());
  }

  QEDGE_ASSIGN_OR_RETURN(std::vector<InputInfo> inputs, graph_inputs(model.graph()));
  std::optional<SampleSource> samples;
  if (args.has("--calib")) {
    QEDGE_ASSIGN_OR_RETURN(samples, SampleSource::from_folder(args.get("--calib"), inputs));
  } else {
    QEDGE_ASSIGN_OR_RETURN(samples, SampleSource::random(run.random_count, run.seed, inputs));
  }
  // Conversion pins the input shapes to the first sample's, which every other sample must share.
  std::map<std::string, Dims> shapes;
  {
    QEDGE_ASSIGN_OR_RETURN(std::vector<TensorData> first, samples->get(0));
    for (size_t k = 0; k < inputs.size(); ++k) shapes[inputs[k].name] = first[k].shape;
  }

  QEDGE_ASSIGN_OR_RETURN(std::unique_ptr<ScratchDir> scratch, ScratchDir::create());
  std::vector<std::string> taps = plan.activations;
  taps.insert(taps.end(), plan.compared.begin(), plan.compared.end());
  taps.insert(taps.end(), plan.computed_weights.begin(), plan.computed_weights.end());
  QEDGE_ASSIGN_OR_RETURN(std::unique_ptr<TappedModel> float_model,
                         TappedModel::create(model, taps, shapes, *scratch, "float model", run.threads));
  QEDGE_ASSIGN_OR_RETURN(auto stats, collect_statistics(*float_model, *samples, inputs, plan.activations));
  for (const auto& [name, o] : stats) {
    if (o.non_finite()) {
      std::fprintf(stderr, "qedge quantize: warning: activation '%s' had %llu non-finite values (ignored)\n",
                   name.c_str(), static_cast<unsigned long long>(o.non_finite()));
    }
  }

  QEDGE_ASSIGN_OR_RETURN(auto weights, weight_values(model, *float_model, plan));

  onnx::ModelProto quantized = model;
  QEDGE_ASSIGN_OR_RETURN(std::vector<QuantizedLayer> done,
                         insert_quantizers(&quantized, plan.layers, plan.settings, weights, stats));
  // Converting before writing means a model qedge cannot run is never written.
  QEDGE_ASSIGN_OR_RETURN(std::unique_ptr<TappedModel> quantized_model,
                         TappedModel::create(quantized, plan.compared, shapes, *scratch, "quantized model", run.threads));
  std::string bytes;
  if (!quantized.SerializeToString(&bytes)) return Internal("cannot serialize the quantized model");
  QEDGE_RETURN_IF_ERROR(write_model_file(out_path, std::vector<uint8_t>(bytes.begin(), bytes.end())));
  int quantized_count = 0;
  for (const QuantizedLayer& d : done) quantized_count += d.quantized;
  std::printf("wrote %s (%d of %zu layers quantized, %zu calibration samples)\n", out_path.c_str(), quantized_count,
              plan.layers.size(), samples->size());
  std::fflush(stdout);

  QEDGE_ASSIGN_OR_RETURN(std::vector<double> db,
                         measure_sqnr(*float_model, *quantized_model, *samples, inputs, plan.compared));
  std::vector<double> layer_db(db.begin(), db.begin() + static_cast<std::ptrdiff_t>(plan.layers.size()));
  std::vector<ModelOutputSqnr> outputs;
  for (size_t k = 0; k < plan.model_outputs.size(); ++k) {
    outputs.push_back({plan.model_outputs[k], db[plan.layers.size() + k]});
  }
  print_report(plan.layers, plan.settings, done, layer_db, outputs);
  return Status::Ok();
}

}  // namespace

int cmd_quantize(int argc, char** argv) {
  Args args(argc, argv,
            {"--calib", "--random", "--seed", "--weight-bits", "--act-bits", "--method", "--percentile", "--first",
             "--last", "--config", "--threads"},
            {"--per-channel", "--help"});
  if (args.has("--help")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (!args.ok()) return usage_error("quantize", args.error());
  if (args.positional().size() != 1) return usage_error("quantize", "expected exactly one input model");
  if (args.get("-o").empty()) return usage_error("quantize", "missing -o OUT.onnx");
  if (args.has("--calib") == args.has("--random")) return usage_error("quantize", "give exactly one of --calib DIR and --random N");
  if (args.has("--seed") && !args.has("--random")) return usage_error("quantize", "--seed only applies to --random");
  RunOptions run;
  long long v = 0;
  if (args.has("--random")) {
    if (!parse_int(args.get("--random"), 1, 1000000, &v)) return usage_error("quantize", "--random must be a count 1..1000000");
    run.random_count = v;
  }
  if (args.has("--seed")) {
    if (!parse_int(args.get("--seed"), 0, INT64_MAX, &v)) return usage_error("quantize", "--seed must be a non-negative integer");
    run.seed = static_cast<uint64_t>(v);
  }
  if (args.has("--threads")) {
    if (!parse_int(args.get("--threads"), 1, 256, &v)) return usage_error("quantize", "--threads must be 1..256");
    run.threads = static_cast<int>(v);
  }
  LayerSettings defaults;
  QuantConfig cli_edges;
  const std::string flag_error = read_flags(args, &defaults, &cli_edges);
  if (!flag_error.empty()) return usage_error("quantize", flag_error);

  QuantConfig config;
  if (args.has("--config")) {
    auto c = read_config_file(args.get("--config"));
    if (!c.ok()) return fail("quantize", c.status().message());
    config = std::move(c).value();
  }
  if (!config.first) config.first = cli_edges.first;
  if (!config.last) config.last = cli_edges.last;
  Status s = run_quantize(args, run, defaults, std::move(config));
  if (!s.ok()) return fail("quantize", s.message());
  return 0;
}

}  // namespace qedge::cli
