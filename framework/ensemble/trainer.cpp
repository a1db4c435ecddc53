#include "framework/ensemble/trainer.hpp"

#include "framework/ensemble/training_run.hpp"

namespace nclab {

RunRecord train_ensemble(const TrainingConfig& config, const PreparedData& data, std::uint64_t run_key,
                         const MemberFactory& make_member, const TrainingObserver* observer,
                         const TrainerOptions& options) {
  detail::TrainingRun run(config, data, run_key, make_member, observer, options);
  return run.run();
}

}  // namespace nclab
