// The interpreter: binds every node of a verified model to a backend kernel, owns the activation arena,
// and runs the plan. Static parts are prepared once at creation; parts whose shapes depend on run-time
// values are prepared before each run.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "qedge/runtime/model_file.h"
#include "qedge/backend.h"
#include "qedge/kernel_api/op_kernel.h"
#include "thread_pool.h"

namespace qedge::rt {

struct SessionOptions {
  int num_threads = 1;
  bool profile = false;
};

// One tensor's run-time state.
struct Value {
  Tensor tensor;
  bool is_constant = false;
  bool shape_static = false;
  int64_t arena_offset = -1;
  // For values with an arena slot: the dtype and shape the plan sized it for.
  DType planned_dtype = DType::kUndefined;
  Dims planned_shape;
  std::vector<uint64_t> heap;  // storage of dynamic values and unpacked constants (8-byte aligned)
  bool needs_natural = false;  // a packed constant that some consumer reads in natural form
  std::string name;
};

struct ProfileEntry {
  std::string node;
  std::string op_type;
  std::string backend;
  double ms = 0.0;
};

class Session : public SubgraphRunner {
 public:
  static Result<std::unique_ptr<Session>> create(const ModelFile& file, const SessionOptions& options,
                                                 const BackendRegistry& backends);
  ~Session() override;

  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  int num_outputs() const { return static_cast<int>(outputs_.size()); }
  const Value& input(int i) const { return values_[inputs_[i]]; }
  const Value& output(int i) const { return values_[outputs_[i]]; }
  // False until a run has succeeded (and after a failed one): outputs hold no results then.
  bool outputs_valid() const { return outputs_valid_; }
  const Dims& declared_input_shape(int i) const { return declared_input_shapes_[i]; }
  int input_index(const std::string& name) const;
  int output_index(const std::string& name) const;

  Status set_input(int index, DType dtype, const Dims& shape, const void* data, size_t bytes);
  Status run();

  const std::vector<ProfileEntry>& profile() const { return profile_; }
  uint64_t arena_bytes() const { return arena_bytes_; }

  // SubgraphRunner.
  int num_inputs(int graph) const override;
  int num_outputs(int graph) const override;
  Status run(int graph, const std::vector<const Tensor*>& inputs, std::vector<const Tensor*>* outputs) override;

 private:
  struct Step;
  struct GraphExec;

  Session(const ModelFile& file, const SessionOptions& options);
  Status init(const BackendRegistry& backends);
  Result<std::unique_ptr<GraphExec>> build_graph(int index, const BackendRegistry& backends);
  Status unpack_constant(Value& v);
  Status prepare_step(Step& step);
  Status run_graph(GraphExec& g);

  const ModelFile& file_;
  SessionOptions options_;
  std::vector<Value> values_;
  std::vector<int> inputs_;
  std::vector<int> outputs_;
  std::vector<Dims> declared_input_shapes_;
  std::vector<bool> input_set_;
  std::vector<std::unique_ptr<GraphExec>> graphs_;
  uint8_t* arena_ = nullptr;
  uint64_t arena_bytes_ = 0;
  std::unique_ptr<WorkerPool> pool_;
  std::vector<ProfileEntry> profile_;
  bool outputs_valid_ = false;  // the last run succeeded
};

}  // namespace qedge::rt
