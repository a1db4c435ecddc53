#include "framework/ensemble/validation.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "framework/core/error.hpp"
#include "framework/ensemble/schedule.hpp"

namespace nclab {
namespace {

// Formats a value with 6 significant digits, enough to compare it with a bound in a message.
std::string six_digits(double value) {
  std::ostringstream out;
  out.precision(6);
  out << value;
  return out.str();
}

[[noreturn]] void reject(const std::string& message) { throw InputError(message); }

// The option that sets the coefficient of `method` and its name in messages.
std::string coefficient_option(Method method) { return method == Method::ncl_exact ? "--gamma" : "--lambda"; }

std::string bound_description(Method method, std::size_t members) {
  if (method == Method::ncl) return "1 (ncl needs lambda in [0, 1])";
  return "M / (2M - 2) = " + six_digits(coefficient_upper_bound(method, members)) + " for M = " +
         std::to_string(members) + " (ncl-exact needs gamma in [0, M / (2M - 2)])";
}

void validate_optimizer(const TrainingConfig& config) {
  if (config.members < 1) reject("--members 0 is invalid: an ensemble needs at least 1 member");
  if (config.epochs < 1) reject("--epochs 0 is invalid: training needs at least 1 epoch");
  if (config.batch < 1) reject("--batch 0 is invalid: a step needs at least 1 pattern (1 is online training)");
  if (!(config.learning_rate > 0.0) || !std::isfinite(config.learning_rate)) {
    reject("--learning-rate " + six_digits(config.learning_rate) + " is invalid: it must be a finite value > 0");
  }
  if (!(config.momentum >= 0.0 && config.momentum < 1.0)) {
    reject("--momentum " + six_digits(config.momentum) + " is invalid: it must be in [0, 1)");
  }
  if (!(config.init_range > 0.0) || !std::isfinite(config.init_range)) {
    reject("--init-range " + six_digits(config.init_range) + " is invalid: it must be a finite value > 0");
  }
  if (!(config.validation_fraction >= 0.0 && config.validation_fraction < 1.0)) {
    reject("--validation-fraction " + six_digits(config.validation_fraction) +
           " is invalid: it must be in [0, 1), where 0 disables early stopping");
  }
  if (config.validation_fraction > 0.0 && config.patience < 1) {
    reject("--patience 0 is invalid: early stopping needs a patience of at least 1 epoch");
  }
}

void validate_schedule_parameters(const ScheduleConfig& schedule) {
  if (schedule.kind == ScheduleKind::linear && !std::isfinite(schedule.from)) {
    reject("--schedule-from " + six_digits(schedule.from) + " is invalid: it must be finite");
  }
  if (schedule.kind == ScheduleKind::exponential && !(std::isfinite(schedule.decay) && schedule.decay >= 0.0)) {
    reject("--decay " + six_digits(schedule.decay) + " is invalid: the decay rate must be finite and >= 0");
  }
  if (schedule.kind == ScheduleKind::step) {
    if (schedule.every < 1) reject("--step-every 0 is invalid: a step schedule needs at least 1 epoch per step");
    if (!(std::isfinite(schedule.factor) && schedule.factor >= 0.0)) {
      reject("--step-factor " + six_digits(schedule.factor) +
             " is invalid: the step factor must be finite and >= 0");
    }
  }
}

// The option to name when the schedule, not the coefficient itself, takes lambda(t) out of bounds.
std::string schedule_option(ScheduleKind kind) {
  switch (kind) {
    case ScheduleKind::linear:
      return "--schedule-from";
    case ScheduleKind::exponential:
      return "--decay";
    case ScheduleKind::step:
      return "--step-factor";
    case ScheduleKind::constant:
      break;
  }
  return "--schedule";
}

double schedule_option_value(const ScheduleConfig& schedule) {
  switch (schedule.kind) {
    case ScheduleKind::linear:
      return schedule.from;
    case ScheduleKind::exponential:
      return schedule.decay;
    case ScheduleKind::step:
      return schedule.factor;
    case ScheduleKind::constant:
      break;
  }
  return 0.0;
}

void validate_coefficient(const TrainingConfig& config) {
  if (config.method == Method::independent) return;

  const std::string option = coefficient_option(config.method);
  const double coefficient = config.method == Method::ncl_exact ? config.gamma : config.lambda;
  const double bound = coefficient_upper_bound(config.method, config.members);
  const std::string method = to_string(config.method);

  if (!std::isfinite(coefficient)) reject(option + " " + six_digits(coefficient) + " is invalid: it must be finite");
  if (coefficient < 0.0) {
    reject(option + " " + six_digits(coefficient) + " is invalid: the " + method + " coefficient must be >= 0");
  }
  if (coefficient > bound && !config.allow_unstable) {
    reject(option + " " + six_digits(coefficient) + " is above the stable bound " +
           bound_description(config.method, config.members) + "; pass --allow-unstable to train with it anyway");
  }

  // The schedule may move the coefficient of some epoch out of bounds even when c itself is inside.
  for (std::size_t epoch = 0; epoch < config.epochs; ++epoch) {
    const double value = scheduled_coefficient(config.schedule, coefficient, epoch, config.epochs);
    const std::string where = "the " + to_string(config.schedule.kind) + " schedule (" +
                              schedule_option(config.schedule.kind) + " " +
                              six_digits(schedule_option_value(config.schedule)) + ") gives " + option + " " +
                              six_digits(value) + " in epoch " + std::to_string(epoch);
    if (!std::isfinite(value) || value < 0.0) {
      reject(where + ", which is invalid: the " + method + " coefficient must be finite and >= 0");
    }
    if (value > bound && !config.allow_unstable) {
      reject(where + ", above the stable bound " + bound_description(config.method, config.members) +
             "; pass --allow-unstable to train with it anyway");
    }
  }
}

}  // namespace

double coefficient_upper_bound(Method method, std::size_t members) {
  switch (method) {
    case Method::ncl:
      return 1.0;
    case Method::ncl_exact:
      return max_stable_gamma(members);
    case Method::independent:
    case Method::decorrelated:
      break;
  }
  return std::numeric_limits<double>::infinity();
}

void validate_training_config(const TrainingConfig& config) {
  validate_optimizer(config);
  validate_schedule_parameters(config.schedule);
  validate_coefficient(config);

  if (config.mode == TrainingMode::sequential && config.method != Method::decorrelated &&
      config.method != Method::independent) {
    reject("--mode sequential is invalid with --method " + to_string(config.method) +
           ": sequential training is defined for decorrelated and independent members only, because " +
           to_string(config.method) + " needs every member's current output in each step");
  }
}

}  // namespace nclab
