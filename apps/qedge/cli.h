// Shared pieces of the qedge command-line tool: argument parsing and the subcommand table.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace qedge::cli {

// Parsed arguments: flags ("--name value" or "--switch") and positionals.
class Args {
 public:
  // `switches` are flags that take no value. Fails (message in error()) on an unknown flag.
  Args(int argc, char** argv, const std::vector<std::string>& value_flags, const std::vector<std::string>& switches);
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool has(const std::string& flag) const { return values_.count(flag) > 0; }
  std::string get(const std::string& flag, const std::string& def = "") const;
  const std::vector<std::string>& all(const std::string& flag) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
  std::string error_;
};

// Prints "qedge <cmd>: <msg>" to stderr and returns the exit code for usage errors (2).
int usage_error(const char* cmd, const std::string& msg);
// Prints "qedge <cmd>: <msg>" to stderr and returns 1.
int fail(const char* cmd, const std::string& msg);

int cmd_convert(int argc, char** argv);
int cmd_run(int argc, char** argv);
int cmd_inspect(int argc, char** argv);
int cmd_conform(int argc, char** argv);
int cmd_quantize(int argc, char** argv);
int cmd_bench(int argc, char** argv);
int cmd_eval(int argc, char** argv);

}  // namespace qedge::cli
