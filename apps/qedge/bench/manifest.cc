#include "bench/manifest.h"

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

namespace qedge::cli::bench {
namespace {

using nlohmann::json;

std::string join_path(const std::string& dir, const std::string& rel) {
  if (rel.empty() || rel[0] == '/' || dir.empty()) return rel;
  return dir + "/" + rel;
}

// A string member; `required` ones must be present and non-empty.
Result<std::string> text(const json& j, const char* key, bool required, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return InvalidArgument(where + ": missing \"" + key + "\"");
    return std::string();
  }
  if (!it->is_string()) return InvalidArgument(where + ": \"" + key + "\" must be a string");
  if (required && it->get<std::string>().empty()) return InvalidArgument(where + ": \"" + key + "\" is empty");
  return it->get<std::string>();
}

Result<std::optional<int>> bits(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::optional<int>();
  if (!it->is_number_integer() || it->get<int>() < 1 || it->get<int>() > 32) {
    return InvalidArgument(where + ": \"" + key + "\" must be null or a bit width from 1 to 32");
  }
  return std::optional<int>(it->get<int>());
}

Result<ZooEntry> parse_entry(const json& j, size_t index, const std::string& path, const std::string& dir) {
  std::string where = path + ": models[" + std::to_string(index) + "]";
  if (!j.is_object()) return InvalidArgument(where + " is not an object");
  ZooEntry e;
  QEDGE_ASSIGN_OR_RETURN(e.name, text(j, "name", true, where));
  where = path + ": model '" + e.name + "'";
  QEDGE_ASSIGN_OR_RETURN(e.task, text(j, "task", false, where));
  QEDGE_ASSIGN_OR_RETURN(e.family, text(j, "family", false, where));
  QEDGE_ASSIGN_OR_RETURN(std::string file, text(j, "file", true, where));
  e.file = join_path(dir, file);
  QEDGE_ASSIGN_OR_RETURN(e.format, text(j, "format", false, where));
  if (!e.format.empty() && e.format != "float" && e.format != "qonnx" && e.format != "qdq") {
    return InvalidArgument(where + ": \"format\" must be float, qonnx or qdq, not '" + e.format + "'");
  }
  QEDGE_ASSIGN_OR_RETURN(e.weight_bits, bits(j, "weight_bits", where));
  QEDGE_ASSIGN_OR_RETURN(e.act_bits, bits(j, "act_bits", where));
  QEDGE_ASSIGN_OR_RETURN(e.float_reference, text(j, "float_reference", false, where));
  QEDGE_ASSIGN_OR_RETURN(e.build, text(j, "build", false, where));
  if (auto c = j.find("committed"); c != j.end() && !c->is_null()) {
    if (!c->is_boolean()) return InvalidArgument(where + ": \"committed\" must be true or false");
    e.committed = c->get<bool>();
  }
  if (auto ev = j.find("eval"); ev != j.end() && !ev->is_null()) {
    if (!ev->is_object()) return InvalidArgument(where + ": \"eval\" must be an object or null");
    QEDGE_ASSIGN_OR_RETURN(std::string data, text(*ev, "data", true, where + " eval"));
    e.eval_data = join_path(dir, data);
    e.eval_data_name = data;
    if (auto a = ev->find("accuracy"); a != ev->end() && !a->is_null()) {
      if (!a->is_number() || a->get<double>() < 0 || a->get<double>() > 1) {
        return InvalidArgument(where + ": eval \"accuracy\" must be a fraction from 0 to 1");
      }
      e.recorded_accuracy = a->get<double>();
    }
  }
  return e;
}

}  // namespace

const ZooEntry* Manifest::find(const std::string& name) const {
  for (const ZooEntry& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

Result<Manifest> read_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) return IoError("cannot open manifest " + path);
  json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument(path + " is not valid JSON");
  if (!j.is_object() || !j.contains("models") || !j["models"].is_array()) {
    return InvalidArgument(path + ": expected an object with a \"models\" list");
  }
  Manifest m;
  m.path = path;
  const auto slash = path.rfind('/');
  m.dir = slash == std::string::npos ? "." : path.substr(0, slash);
  std::set<std::string> names;
  for (size_t i = 0; i < j["models"].size(); ++i) {
    QEDGE_ASSIGN_OR_RETURN(ZooEntry e, parse_entry(j["models"][i], i, path, m.dir));
    if (!names.insert(e.name).second) return InvalidArgument(path + ": model name '" + e.name + "' appears twice");
    m.entries.push_back(std::move(e));
  }
  for (const ZooEntry& e : m.entries) {
    if (!e.float_reference.empty() && !m.find(e.float_reference)) {
      return InvalidArgument(path + ": model '" + e.name + "' names float_reference '" + e.float_reference +
                             "', which is not in the manifest");
    }
  }
  return m;
}

}  // namespace qedge::cli::bench
