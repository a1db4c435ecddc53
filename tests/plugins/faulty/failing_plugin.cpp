// Test plugin whose model ("failing-mlp") builds and passes every check made before training, but
// raises std::runtime_error from its first forward(), as a plugin with a bug would. Runs that use it
// fail while training, which the failed-run tests of the nclab binary need.

#include <memory>
#include <stdexcept>

#include "framework/model/dense_network.hpp"
#include "framework/model/registry.hpp"

namespace {

using namespace nclab;

class FailingMlp final : public Model {
 public:
  FailingMlp(std::size_t inputs, std::size_t hidden, std::size_t outputs, Activation output_activation)
      : network_(inputs, {{hidden, Activation::sigmoid}, {outputs, output_activation}}) {}

  std::size_t input_size() const override { return network_.input_size(); }
  std::size_t output_size() const override { return network_.output_size(); }
  Activation output_activation() const override { return network_.output_activation(); }
  std::span<double> parameters() override { return network_.parameters(); }
  std::span<const double> parameters() const override { return network_.parameters(); }
  std::vector<LayerLayout> layout() const override { return network_.layout(); }

  void forward(ConstMatrixView, MatrixView) override {
    throw std::runtime_error("failing-mlp: forward() raises on purpose (test plugin)");
  }
  void backward(ConstMatrixView grad, GradientAt at, std::span<double> param_grad, MatrixView* input_grad) override {
    network_.backward(grad, at, param_grad, input_grad);
  }
  std::unique_ptr<Model> clone() const override { return std::make_unique<FailingMlp>(*this); }

 private:
  DenseNetwork network_;
};

ModelEntry failing_mlp_entry() {
  ModelEntry entry;
  entry.name = "failing-mlp";
  entry.description = "test plugin: an mlp whose forward() always raises, so every run that uses it fails";
  entry.options = {{.name = "hidden",
                    .default_value = 4,
                    .min_value = 1,
                    .max_value = 1000,
                    .integer = true,
                    .help = "number of sigmoid units in the hidden layer"}};
  entry.create = [](const ModelConfig& config) -> std::unique_ptr<Model> {
    return std::make_unique<FailingMlp>(config.inputs, static_cast<std::size_t>(config.option("hidden")),
                                        config.outputs, config.output_activation);
  };
  return entry;
}

NCLAB_REGISTER_MODEL(failing_mlp_entry);

}  // namespace
