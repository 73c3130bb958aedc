#include "quantize/settings.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace qedge::cli::quantize {
namespace {

using nlohmann::json;

// Reads one config entry ("first", "last", "layers.<name>" or the top level) into `out`; `where` names it.
class EntryReader {
 public:
  EntryReader(std::string file, std::string where) : file_(std::move(file)), where_(std::move(where)) {}

  Status bits(const json& v, const std::string& key, std::optional<int>* out) const {
    if (!v.is_number_integer() || v.get<int64_t>() < kMinBits || v.get<int64_t>() > kMaxBits) {
      return error(key, "must be an integer from " + std::to_string(kMinBits) + " to " + std::to_string(kMaxBits) +
                            ", got " + v.dump());
    }
    *out = v.get<int>();
    return Status::Ok();
  }

  // Either a bit width for weights and activations, "float", or an object of settings.
  Status entry(const json& v, bool allow_structure, LayerOverride* out) const {
    if (v.is_string()) {
      if (v.get<std::string>() != "float") return error("", "must be a bit width, \"float\" or an object, got " + v.dump());
      out->keep_float = true;
      return Status::Ok();
    }
    if (v.is_number()) {
      std::optional<int> b;
      QEDGE_RETURN_IF_ERROR(bits(v, "", &b));
      out->weight_bits = out->act_bits = b;
      out->keep_float = false;
      return Status::Ok();
    }
    if (!v.is_object()) return error("", "must be a bit width, \"float\" or an object, got " + v.dump());
    for (const auto& [key, value] : v.items()) {
      if (allow_structure && (key == "first" || key == "last" || key == "layers")) continue;
      if (key == "weight_bits") {
        QEDGE_RETURN_IF_ERROR(bits(value, key, &out->weight_bits));
      } else if (key == "act_bits") {
        QEDGE_RETURN_IF_ERROR(bits(value, key, &out->act_bits));
      } else if (key == "per_channel") {
        if (!value.is_boolean()) return error(key, "must be true or false, got " + value.dump());
        out->per_channel = value.get<bool>();
      } else if (key == "float") {
        if (!value.is_boolean()) return error(key, "must be true or false, got " + value.dump());
        out->keep_float = value.get<bool>();
      } else if (key == "method") {
        quant::CalibrationMethod m;
        if (!value.is_string() || !quant::parse_calibration_method(value.get<std::string>(), &m)) {
          return error(key, "must be \"minmax\", \"percentile\" or \"mse\", got " + value.dump());
        }
        out->method = m;
      } else if (key == "percentile") {
        if (!value.is_number() || value.get<double>() <= 0 || value.get<double>() > 100) {
          return error(key, "must be a number in (0, 100], got " + value.dump());
        }
        out->percentile = value.get<double>();
      } else {
        return error(key, std::string("is not a known key (known: weight_bits, act_bits, per_channel, method, "
                                      "percentile, float") +
                              (allow_structure ? ", first, last, layers)" : ")"));
      }
    }
    return Status::Ok();
  }

 private:
  Status error(const std::string& key, const std::string& what) const {
    std::string path = where_;
    if (!key.empty()) path += path.empty() ? key : "." + key;
    return InvalidArgument("config " + file_ + ": " + (path.empty() ? "the top level" : "'" + path + "'") + " " + what);
  }

  std::string file_, where_;
};

}  // namespace

void LayerOverride::apply_to(LayerSettings* s) const {
  if (keep_float) s->keep_float = *keep_float;
  if (weight_bits) s->weight_bits = *weight_bits;
  if (act_bits) s->act_bits = *act_bits;
  if (per_channel) s->per_channel = *per_channel;
  if (method) s->scale.method = *method;
  if (percentile) s->scale.percentile = *percentile;
}

std::optional<LayerOverride> parse_bits_or_float(const std::string& text) {
  LayerOverride o;
  if (text == "float") {
    o.keep_float = true;
    return o;
  }
  if (text.empty() || text.size() > 2 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const int b = std::stoi(text);
  if (b < kMinBits || b > kMaxBits) return std::nullopt;
  o.weight_bits = o.act_bits = b;
  o.keep_float = false;
  return o;
}

Result<QuantConfig> read_config_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) return IoError("cannot open config file " + path);
  json doc;
  try {
    doc = json::parse(f);
  } catch (const json::parse_error& e) {
    return InvalidArgument("config " + path + " is not valid JSON: " + e.what());
  }
  if (!doc.is_object()) return InvalidArgument("config " + path + ": the top level must be a JSON object");
  QuantConfig config;
  QEDGE_RETURN_IF_ERROR(EntryReader(path, "").entry(doc, true, &config.defaults));
  for (const char* edge : {"first", "last"}) {
    if (!doc.contains(edge)) continue;
    LayerOverride o;
    QEDGE_RETURN_IF_ERROR(EntryReader(path, edge).entry(doc[edge], false, &o));
    (std::string(edge) == "first" ? config.first : config.last) = o;
  }
  if (doc.contains("layers")) {
    if (!doc["layers"].is_object()) return InvalidArgument("config " + path + ": 'layers' must be an object of layer names");
    for (const auto& [name, value] : doc["layers"].items()) {
      QEDGE_RETURN_IF_ERROR(EntryReader(path, "layers." + name).entry(value, false, &config.layers[name]));
    }
  }
  return config;
}

Result<std::vector<LayerSettings>> resolve_settings(const std::vector<Layer>& layers, const LayerSettings& defaults,
                                                    const QuantConfig& config) {
  for (const auto& [name, o] : config.layers) {
    bool found = false;
    for (const Layer& l : layers) found |= l.name == name;
    if (found) continue;
    std::string known;
    for (const Layer& l : layers) known += (known.empty() ? "" : ", ") + l.name;
    return InvalidArgument("config names layer '" + name + "', which is not a quantizable layer of the model (layers: " +
                           (known.empty() ? "none" : known) + ")");
  }
  std::vector<LayerSettings> out;
  for (size_t i = 0; i < layers.size(); ++i) {
    LayerSettings s = defaults;
    config.defaults.apply_to(&s);
    if (i == 0 && config.first) config.first->apply_to(&s);
    if (i + 1 == layers.size() && config.last) config.last->apply_to(&s);
    auto it = config.layers.find(layers[i].name);
    if (it != config.layers.end()) it->second.apply_to(&s);
    out.push_back(s);
  }
  return out;
}

}  // namespace qedge::cli::quantize
