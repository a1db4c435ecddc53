#include "framework/ensemble/trainer.hpp"

#include "framework/ensemble/training_run.hpp"
#include "framework/model/registry.hpp"

namespace nclab {

RunRecord train_ensemble(const TrainingConfig& config, const PreparedData& data, std::uint64_t run_key,
                         const MemberFactory& make_member, const TrainingObserver* observer,
                         const TrainerOptions& options) {
  detail::TrainingRun run(config, data, run_key, make_member, observer, options);
  return run.run();
}

RunRecord train_ensemble(const TrainingConfig& config, const PreparedData& data, std::uint64_t run_key,
                         const TrainingObserver* observer, const TrainerOptions& options) {
  const ModelRegistry& registry = ModelRegistry::instance();
  const ModelConfig model_config = registry.make_config(config.model, data.train_inputs.cols(),
                                                        data.train_targets.cols(), config.output_activation,
                                                        config.model_options);
  const MemberFactory make_member = [&] { return registry.create(config.model, model_config); };
  return train_ensemble(config, data, run_key, make_member, observer, options);
}

}  // namespace nclab
