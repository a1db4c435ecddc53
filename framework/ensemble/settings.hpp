#pragma once
// Settings of one training run: the ensemble method, its coefficient and schedule, the member model and
// the optimiser. validate_training_config (framework/ensemble/validation.hpp) checks their bounds, and
// train_ensemble calls it before training.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "framework/model/model.hpp"

namespace nclab {

enum class Method {
  independent,   // no penalty
  ncl,           // Liu & Yao (1999), F treated as a constant: lambda in [0, 1]
  ncl_exact,     // Brown, Wyatt & Tino (2005), gradient through F: gamma in [0, M / (2M - 2)]
  decorrelated,  // Rosen (1996)
};

// Rosen's indicator d(i, j) over members numbered 1..M.
enum class Indicator {
  previous,      // d = 1 iff i = j - 1
  alternate,     // d = 1 iff i = j - 1 and i is even
  all_previous,  // d = 1 iff i < j
  none,          // d = 0
};

enum class TrainingMode {
  concurrent,  // all members step together, each against the others' current outputs
  sequential,  // member j trains through all epochs against the fixed, already trained members < j
};

enum class LossKind { squared_error, cross_entropy };

enum class ScheduleKind {
  constant,     // c(t) = c
  linear,       // c(t) = from + (c - from) t / (T - 1), t = 0..T-1
  exponential,  // c(t) = c exp(-decay t)
  step,         // c(t) = c factor^floor(t / every)
};

struct ScheduleConfig {
  ScheduleKind kind = ScheduleKind::constant;
  double from = 0.0;       // linear: the value at epoch 0
  double decay = 0.0;      // exponential: rate per epoch
  std::size_t every = 1;   // step: epochs between steps
  double factor = 0.5;     // step: multiplier at each step
};

struct TrainingConfig {
  Method method = Method::independent;
  double lambda = 0.0;  // ncl and decorrelated
  double gamma = 0.0;   // ncl-exact
  Indicator indicator = Indicator::previous;
  TrainingMode mode = TrainingMode::concurrent;
  ScheduleConfig schedule;
  LossKind loss = LossKind::squared_error;

  std::size_t members = 1;
  std::string model = "mlp";
  std::map<std::string, double> model_options;
  Activation output_activation = Activation::identity;

  std::size_t batch = 1;  // patterns per step; 1 is online training as in the papers
  double learning_rate = 0.1;
  double momentum = 0.0;
  std::size_t epochs = 100;
  double init_range = 0.5;  // initial parameters from U(-init_range, init_range)

  double validation_fraction = 0.0;  // > 0 enables early stopping on a split of the training part
  std::size_t patience = 10;         // epochs without validation improvement before stopping

  std::size_t snapshot_every = 0;  // 0: no weight snapshots
  bool allow_unstable = false;
  std::uint64_t seed = 1;
};

std::string to_string(Method method);
std::string to_string(Indicator indicator);
std::string to_string(TrainingMode mode);
std::string to_string(LossKind loss);
std::string to_string(ScheduleKind kind);
Method parse_method(const std::string& text);
Indicator parse_indicator(const std::string& text);
TrainingMode parse_training_mode(const std::string& text);
LossKind parse_loss(const std::string& text);
ScheduleKind parse_schedule(const std::string& text);

// lambda equivalent to an ncl-exact gamma: lambda = 2 gamma (M - 1) / M.
double equivalent_lambda(double gamma, std::size_t members);
// Largest stable gamma for ncl-exact: M / (2M - 2); infinity for M = 1.
double max_stable_gamma(std::size_t members);

}  // namespace nclab
