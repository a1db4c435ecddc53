#pragma once
// Checks of a TrainingConfig before a run starts.

#include "framework/ensemble/settings.hpp"

namespace nclab {

// Throws InputError when a setting is outside its valid range. The message names the option, the value
// and the bound. Checked: members >= 1, epochs >= 1, batch >= 1, learning rate > 0, momentum in [0, 1),
// init range > 0, validation fraction in [0, 1), patience >= 1 with early stopping, the schedule's
// parameters, and the penalty coefficient of every epoch against the method's bound:
//   ncl           lambda in [0, 1]
//   ncl-exact     gamma in [0, M / (2M - 2)]
//   decorrelated  lambda >= 0
// A coefficient above the upper bound passes only with allow_unstable (`--allow-unstable`); a negative
// or non-finite coefficient never does. Sequential mode is accepted for decorrelated and independent
// training only, because ncl needs every member's current output in each step.
void validate_training_config(const TrainingConfig& config);

// The largest coefficient that trains stably: 1 for ncl, M / (2M - 2) for ncl-exact, infinity for the
// other methods.
double coefficient_upper_bound(Method method, std::size_t members);

}  // namespace nclab
