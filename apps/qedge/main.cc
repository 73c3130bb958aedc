// qedge: convert, run, inspect, check and measure models from the command line.
#include <cstdio>
#include <cstring>
#include <exception>

#include "cli.h"
#include "qedge/qedge.h"

namespace {

const char* kUsage =
    "usage: qedge <command> [options]\n"
    "\n"
    "commands:\n"
    "  convert   ONNX/QONNX model -> .qedge file\n"
    "  run       run a .qedge model on inputs and print its outputs\n"
    "  inspect   print a .qedge model's graph, tensors and memory plan\n"
    "  conform   run ONNX backend-test cases and compare with their reference outputs\n"
    "  quantize  float ONNX model -> QONNX model (post-training quantization, per-layer SQNR report)\n"
    "  bench     latency, memory, size and accuracy of models (or a model zoo) per backend; table, JSON, CSV, SVG\n"
    "  eval      a model's top-1 accuracy on a model zoo entry's eval set\n"
    "\n"
    "'qedge <command> --help' describes a command. 'qedge --version' prints the version.\n";

struct Command {
  const char* name;
  int (*fn)(int, char**);
};

const Command kCommands[] = {
    {"convert", qedge::cli::cmd_convert},
    {"run", qedge::cli::cmd_run},
    {"inspect", qedge::cli::cmd_inspect},
    {"conform", qedge::cli::cmd_conform},
    {"quantize", qedge::cli::cmd_quantize},
    {"bench", qedge::cli::cmd_bench},
    {"eval", qedge::cli::cmd_eval},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("qedge %s\n", qedge_version());
    return 0;
  }
  for (const Command& c : kCommands) {
    if (std::strcmp(argv[1], c.name)) continue;
    // Commands report errors as values; this only keeps an unexpected exception from aborting the process.
    try {
      return c.fn(argc - 2, argv + 2);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "qedge %s: %s\n", c.name, e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "qedge: unknown command '%s'\n\n%s", argv[1], kUsage);
  return 2;
}
