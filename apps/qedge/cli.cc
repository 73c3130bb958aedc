#include "cli.h"

#include <algorithm>
#include <cstdio>

namespace qedge::cli {

Args::Args(int argc, char** argv, const std::vector<std::string>& value_flags, const std::vector<std::string>& switches) {
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      std::string value;
      const auto eq = a.find('=');
      const bool inline_value = eq != std::string::npos;
      if (inline_value) {
        value = a.substr(eq + 1);
        a = a.substr(0, eq);
      }
      if (std::find(switches.begin(), switches.end(), a) != switches.end() && !inline_value) {
        values_[a].push_back("1");
      } else if (std::find(value_flags.begin(), value_flags.end(), a) != value_flags.end()) {
        if (!inline_value) {
          if (i + 1 >= argc) {
            error_ = a + " needs a value";
            return;
          }
          value = argv[++i];
        }
        values_[a].push_back(value);
      } else {
        error_ = "unknown option " + a;
        return;
      }
    } else if (a == "-o") {
      if (i + 1 >= argc) {
        error_ = "-o needs a value";
        return;
      }
      values_["-o"].push_back(argv[++i]);
    } else {
      positional_.push_back(a);
    }
  }
}

std::string Args::get(const std::string& flag, const std::string& def) const {
  auto it = values_.find(flag);
  return it == values_.end() ? def : it->second.back();
}

const std::vector<std::string>& Args::all(const std::string& flag) const {
  static const std::vector<std::string> kEmpty;
  auto it = values_.find(flag);
  return it == values_.end() ? kEmpty : it->second;
}

int usage_error(const char* cmd, const std::string& msg) {
  std::fprintf(stderr, "qedge %s: %s (see 'qedge %s --help')\n", cmd, msg.c_str(), cmd);
  return 2;
}

int fail(const char* cmd, const std::string& msg) {
  std::fprintf(stderr, "qedge %s: %s\n", cmd, msg.c_str());
  return 1;
}

}  // namespace qedge::cli
