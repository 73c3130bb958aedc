#include "quantize/calibrate.h"

#include "quantize/progress.h"

namespace qedge::cli::quantize {
namespace {

std::vector<std::string> input_names(const std::vector<InputInfo>& inputs) {
  std::vector<std::string> names;
  for (const InputInfo& in : inputs) names.push_back(in.name);
  return names;
}

int input_position(const std::vector<InputInfo>& inputs, const std::string& name) {
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (inputs[k].name == name) return static_cast<int>(k);
  }
  return -1;
}

// A tensor's values for the current sample: graph inputs come from the sample, the rest from the model.
Result<std::vector<float>> tensor_values(const TappedModel& model, const std::vector<InputInfo>& inputs,
                                         const std::vector<TensorData>& sample, const std::string& name) {
  const int k = input_position(inputs, name);
  if (k >= 0) return as_floats(sample[k]);
  QEDGE_ASSIGN_OR_RETURN(TensorData t, model.output(name));
  return as_floats(t);
}

}  // namespace

Result<std::map<std::string, quant::Observer>> collect_statistics(TappedModel& model, const SampleSource& samples,
                                                                  const std::vector<InputInfo>& inputs,
                                                                  const std::vector<std::string>& tensors) {
  std::map<std::string, quant::Observer> observers;
  for (const std::string& t : tensors) observers.emplace(t, quant::Observer());
  const std::vector<std::string> names = input_names(inputs);
  ProgressBar bar("calibrating", samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    QEDGE_ASSIGN_OR_RETURN(std::vector<TensorData> sample, samples.get(i));
    QEDGE_RETURN_IF_ERROR(model.run(names, sample));
    for (auto& [name, observer] : observers) {
      QEDGE_ASSIGN_OR_RETURN(std::vector<float> values, tensor_values(model, inputs, sample, name));
      observer.observe(values.data(), values.size());
    }
    bar.update(i + 1);
  }
  return observers;
}

Result<std::vector<double>> measure_sqnr(TappedModel& float_model, TappedModel& quantized_model,
                                         const SampleSource& samples, const std::vector<InputInfo>& inputs,
                                         const std::vector<std::string>& tensors) {
  std::vector<quant::SqnrAccumulator> acc(tensors.size());
  const std::vector<std::string> names = input_names(inputs);
  ProgressBar bar("evaluating", samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    QEDGE_ASSIGN_OR_RETURN(std::vector<TensorData> sample, samples.get(i));
    QEDGE_RETURN_IF_ERROR(float_model.run(names, sample));
    QEDGE_RETURN_IF_ERROR(quantized_model.run(names, sample));
    for (size_t k = 0; k < tensors.size(); ++k) {
      QEDGE_ASSIGN_OR_RETURN(TensorData ref_tensor, float_model.output(tensors[k]));
      QEDGE_ASSIGN_OR_RETURN(TensorData got_tensor, quantized_model.output(tensors[k]));
      const std::vector<float> ref = as_floats(ref_tensor), got = as_floats(got_tensor);
      if (ref.size() != got.size()) {
        return Internal("tensor '" + tensors[k] + "' has " + std::to_string(ref.size()) + " values in the float model but " +
                        std::to_string(got.size()) + " in the quantized one");
      }
      acc[k].add(ref.data(), got.data(), ref.size());
    }
    bar.update(i + 1);
  }
  std::vector<double> db;
  for (const auto& a : acc) db.push_back(a.db());
  return db;
}

}  // namespace qedge::cli::quantize
