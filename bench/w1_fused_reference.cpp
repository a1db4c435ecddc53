// Hand-fused plain-loop reference of workload W1: online NCL training of M one-hidden-layer MLPs
// (sigmoid hidden units, softmax outputs, squared error on the probabilities), written as one function
// without any nclab code. It is the practical speed limit for tiny networks that bench/compare.py
// measures nclab against.
//
//   w1_fused_reference [--repeats R] STATE_DIR...
//
// Each STATE_DIR comes from run_state_dump (bench/run_state_dump.cpp): the prepared data, the initial
// parameters, the pattern orders and nclab's results of one run. The reference trains every run from
// the same start in the same order. After each epoch it computes nclab's metrics on the training and
// the test part: loss, mean squared error and error rate of each member and of the ensemble, and the
// ambiguity. It leaves out what nclab does once per run: the error correlations, the stored test
// outputs and the record. The pattern orders are read from the files instead of drawn, which
// saves it one Fisher-Yates shuffle per epoch.
//
// Prints one JSON object: the wall and CPU time of each repeat of training all runs, the member-pattern
// updates, and the largest differences from nclab's per-epoch losses and final parameters.

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/npy.hpp"

namespace {

using nclab::bench::NpyArray;
using nclab::bench::read_npy;

struct Run {
  std::string dir;
  NpyArray<double> train_x, train_t, test_x, test_t;
  NpyArray<std::int64_t> train_labels, test_labels, orders;
  NpyArray<double> initial;
  double lambda = 0.0;
  double learning_rate = 0.0;
  std::size_t epochs = 0;
  std::size_t hidden = 0;
};

// Per-epoch metrics, laid out as nclab's records: loss, mse and error rate have M + 1 columns
// (members, then the ensemble).
struct Metrics {
  std::vector<double> train_loss, test_loss, train_mse, test_mse, train_error, test_error;
  std::vector<double> train_ambiguity, test_ambiguity;
};

// 1 / (1 + e^-x), selected from both quotients by a bit mask: a branch on the sign mispredicts about
// half the time, and GCC turns a plain ?: back into one.
inline double sigmoid(double x) {
  const double e = std::exp(-std::abs(x));
  const std::uint64_t mask = std::uint64_t{0} - static_cast<std::uint64_t>(x >= 0.0);
  const std::uint64_t positive = std::bit_cast<std::uint64_t>(1.0 / (1.0 + e));
  const std::uint64_t negative = std::bit_cast<std::uint64_t>(e / (1.0 + e));
  return std::bit_cast<double>((positive & mask) | (negative & ~mask));
}

double json_number(const std::string& text, const std::string& key) {
  const std::size_t at = text.find("\"" + key + "\":");
  if (at == std::string::npos) throw std::runtime_error("meta.json has no " + key);
  return std::stod(text.substr(at + key.size() + 3));
}

Run load_run(const std::string& dir) {
  Run run;
  run.dir = dir;
  run.train_x = read_npy<double>(dir + "/train_x.npy");
  run.train_t = read_npy<double>(dir + "/train_t.npy");
  run.test_x = read_npy<double>(dir + "/test_x.npy");
  run.test_t = read_npy<double>(dir + "/test_t.npy");
  run.train_labels = read_npy<std::int64_t>(dir + "/train_labels.npy");
  run.test_labels = read_npy<std::int64_t>(dir + "/test_labels.npy");
  run.orders = read_npy<std::int64_t>(dir + "/orders.npy");
  run.initial = read_npy<double>(dir + "/initial.npy");

  std::ifstream meta_file(dir + "/meta.json");
  std::stringstream meta;
  meta << meta_file.rdbuf();
  const std::string text = meta.str();
  if (text.find("\"method\": \"ncl\"") == std::string::npos || text.find("\"loss\": \"squared_error\"") == std::string::npos ||
      json_number(text, "batch") != 1 || json_number(text, "momentum") != 0 ||
      text.find("\"activation\": \"softmax\"") == std::string::npos) {
    throw std::runtime_error(dir + ": the reference covers online ncl with squared error, no momentum and softmax "
                             "outputs only");
  }
  run.lambda = json_number(text, "lambda");
  run.learning_rate = json_number(text, "learning_rate");
  run.epochs = static_cast<std::size_t>(json_number(text, "epochs"));
  const std::size_t d = run.train_x.cols;
  const std::size_t k = run.train_t.cols;
  run.hidden = (run.initial.cols - k) / (d + 1 + k);
  if (run.hidden * (d + 1) + k * (run.hidden + 1) != run.initial.cols) {
    throw std::runtime_error(dir + ": initial.npy does not hold one-hidden-layer MLPs");
  }
  return run;
}

// Trains all members of one run and fills `metrics` after every epoch. Parameters per member, as nclab
// stores them: W1 (H x d, row-major), b1 (H), W2 (K x H), b2 (K).
void train_run(const Run& run, std::vector<double>& params, Metrics& metrics) {
  const std::size_t d = run.train_x.cols;
  const std::size_t h_units = run.hidden;
  const std::size_t k_units = run.train_t.cols;
  const std::size_t members = run.initial.rows;
  const std::size_t stride = run.initial.cols;
  const std::size_t n_train = run.train_x.rows;
  const double lambda = run.lambda;
  const double rate = run.learning_rate;
  params = run.initial.values;

  std::vector<double> hidden(members * h_units), out(members * k_units), ensemble(k_units), delta(k_units),
      dz(h_units);
  // Full-batch outputs of every member for the per-epoch metrics.
  std::vector<double> eval_hidden(h_units);
  std::vector<double> eval_out;

  const auto forward = [&](const double* p, const double* x, double* z, double* y) {
    const double* w1 = p;
    const double* b1 = p + h_units * d;
    const double* w2 = b1 + h_units;
    const double* b2 = w2 + k_units * h_units;
    for (std::size_t j = 0; j < h_units; ++j) {
      double s = b1[j];
      for (std::size_t i = 0; i < d; ++i) s += w1[j * d + i] * x[i];
      z[j] = sigmoid(s);
    }
    double max = -INFINITY;
    for (std::size_t k = 0; k < k_units; ++k) {
      double s = b2[k];
      for (std::size_t j = 0; j < h_units; ++j) s += w2[k * h_units + j] * z[j];
      y[k] = s;
      max = std::max(max, s);
    }
    double sum = 0.0;
    for (std::size_t k = 0; k < k_units; ++k) {
      y[k] = std::exp(y[k] - max);
      sum += y[k];
    }
    const double inverse = 1.0 / sum;
    for (std::size_t k = 0; k < k_units; ++k) y[k] *= inverse;
  };

  const auto evaluate = [&](const NpyArray<double>& x, const NpyArray<double>& t, const NpyArray<std::int64_t>& labels,
                            std::vector<double>& loss, std::vector<double>& mse, std::vector<double>& error,
                            std::vector<double>& ambiguity) {
    const std::size_t n = x.rows;
    eval_out.resize((members + 1) * n * k_units);
    double* f = eval_out.data() + members * n * k_units;
    std::fill(f, f + n * k_units, 0.0);
    for (std::size_t m = 0; m < members; ++m) {
      double* y = eval_out.data() + m * n * k_units;
      for (std::size_t p = 0; p < n; ++p) {
        forward(params.data() + m * stride, &x.values[p * d], eval_hidden.data(), y + p * k_units);
        for (std::size_t k = 0; k < k_units; ++k) f[p * k_units + k] += y[p * k_units + k];
      }
    }
    for (std::size_t q = 0; q < n * k_units; ++q) f[q] /= static_cast<double>(members);
    double spread = 0.0;
    for (std::size_t m = 0; m <= members; ++m) {
      const double* y = eval_out.data() + m * n * k_units;
      double squares = 0.0;
      std::size_t wrong = 0;
      for (std::size_t p = 0; p < n; ++p) {
        std::size_t best = 0;
        for (std::size_t k = 0; k < k_units; ++k) {
          const double e = y[p * k_units + k] - t.values[p * k_units + k];
          squares += e * e;
          if (y[p * k_units + k] > y[p * k_units + best]) best = k;
          if (m < members) {
            const double a = y[p * k_units + k] - f[p * k_units + k];
            spread += a * a;
          }
        }
        if (static_cast<std::int64_t>(best) != labels.values[p]) ++wrong;
      }
      loss.push_back(0.5 * squares / static_cast<double>(n));
      mse.push_back(squares / static_cast<double>(n * k_units));
      error.push_back(static_cast<double>(wrong) / static_cast<double>(n));
    }
    ambiguity.push_back(spread / static_cast<double>(members * n * k_units));
  };

  for (std::size_t epoch = 0; epoch < run.epochs; ++epoch) {
    const std::int64_t* order = &run.orders.values[epoch * n_train];
    for (std::size_t step = 0; step < n_train; ++step) {
      const std::size_t pattern = static_cast<std::size_t>(order[step]);
      const double* x = &run.train_x.values[pattern * d];
      const double* t = &run.train_t.values[pattern * k_units];

      // Forward every member, then F from the outputs before any update.
      std::fill(ensemble.begin(), ensemble.end(), 0.0);
      for (std::size_t m = 0; m < members; ++m) {
        forward(params.data() + m * stride, x, &hidden[m * h_units], &out[m * k_units]);
        for (std::size_t k = 0; k < k_units; ++k) ensemble[k] += out[m * k_units + k];
      }
      for (std::size_t k = 0; k < k_units; ++k) ensemble[k] /= static_cast<double>(members);

      for (std::size_t m = 0; m < members; ++m) {
        double* p = params.data() + m * stride;
        double* w1 = p;
        double* b1 = p + h_units * d;
        double* w2 = b1 + h_units;
        double* b2 = w2 + k_units * h_units;
        const double* y = &out[m * k_units];
        const double* z = &hidden[m * h_units];

        // g = (y - t) - lambda (y - F), chained through the softmax Jacobian.
        double weighted = 0.0;
        for (std::size_t k = 0; k < k_units; ++k) {
          delta[k] = (y[k] - t[k]) - lambda * (y[k] - ensemble[k]);
          weighted += delta[k] * y[k];
        }
        for (std::size_t k = 0; k < k_units; ++k) delta[k] = y[k] * (delta[k] - weighted);

        // Hidden deltas with the weights before this update.
        for (std::size_t j = 0; j < h_units; ++j) {
          double s = 0.0;
          for (std::size_t k = 0; k < k_units; ++k) s += delta[k] * w2[k * h_units + j];
          dz[j] = s * (z[j] * (1.0 - z[j]));
        }
        for (std::size_t k = 0; k < k_units; ++k) {
          for (std::size_t j = 0; j < h_units; ++j) w2[k * h_units + j] -= rate * (delta[k] * z[j]);
          b2[k] -= rate * delta[k];
        }
        for (std::size_t j = 0; j < h_units; ++j) {
          for (std::size_t i = 0; i < d; ++i) w1[j * d + i] -= rate * (dz[j] * x[i]);
          b1[j] -= rate * dz[j];
        }
      }
    }
    evaluate(run.train_x, run.train_t, run.train_labels, metrics.train_loss, metrics.train_mse, metrics.train_error,
             metrics.train_ambiguity);
    evaluate(run.test_x, run.test_t, run.test_labels, metrics.test_loss, metrics.test_mse, metrics.test_error,
             metrics.test_ambiguity);
  }
}

double max_difference(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return INFINITY;
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t repeats = 3;
  std::vector<std::string> dirs;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--repeats" && a + 1 < argc) {
      repeats = std::max<std::size_t>(1, std::stoul(argv[++a]));
    } else {
      dirs.push_back(arg);
    }
  }
  if (dirs.empty()) {
    std::cerr << "usage: w1_fused_reference [--repeats R] STATE_DIR...\n";
    return 2;
  }

  try {
    std::vector<Run> runs;
    for (const auto& dir : dirs) runs.push_back(load_run(dir));

    std::vector<double> seconds, cpu_seconds;
    std::vector<std::vector<double>> final_params(runs.size());
    std::vector<Metrics> metrics(runs.size());
    for (std::size_t r = 0; r < repeats; ++r) {
      const auto start = std::chrono::steady_clock::now();
      const std::clock_t cpu_start = std::clock();
      for (std::size_t i = 0; i < runs.size(); ++i) {
        metrics[i] = Metrics{};
        train_run(runs[i], final_params[i], metrics[i]);
      }
      cpu_seconds.push_back(static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }

    std::size_t updates = 0;
    double loss_difference = 0.0, parameter_difference = 0.0, error_rate_difference = 0.0;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const Run& run = runs[i];
      updates += run.initial.rows * run.train_x.rows * run.epochs;
      const auto nclab = [&](const std::string& name) { return read_npy<double>(run.dir + "/" + name + ".npy").values; };
      loss_difference = std::max({loss_difference, max_difference(metrics[i].train_loss, nclab("nclab_train_loss")),
                                  max_difference(metrics[i].test_loss, nclab("nclab_test_loss"))});
      error_rate_difference =
          std::max({error_rate_difference, max_difference(metrics[i].train_error, nclab("nclab_train_error_rate")),
                    max_difference(metrics[i].test_error, nclab("nclab_test_error_rate"))});
      parameter_difference = std::max(parameter_difference, max_difference(final_params[i], nclab("nclab_final")));
    }
    const auto json_list = [](const std::vector<double>& values) {
      std::string text = "[";
      for (std::size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + std::to_string(values[i]);
      return text + "]";
    };
    std::printf(
        "{\"runs\": %zu, \"seconds\": %s, \"cpu_seconds\": %s, \"updates\": %zu, \"max_loss_difference\": %.3e, "
        "\"max_error_rate_difference\": %.3e, \"max_parameter_difference\": %.3e}\n",
        runs.size(), json_list(seconds).c_str(), json_list(cpu_seconds).c_str(), updates, loss_difference,
        error_rate_difference, parameter_difference);
  } catch (const std::exception& error) {
    std::cerr << "w1_fused_reference: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
