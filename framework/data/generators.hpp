#pragma once
// Generators of the built-in datasets, which builtin.cpp calls by name. It has already rejected options
// that a generator does not use.

#include <cstddef>
#include <vector>

#include "framework/data/dataset.hpp"
#include "framework/data/load_options.hpp"

namespace nclab {

// Mackey-Glass delay differential equation (Mackey & Glass, 1977), in the chaotic regime tau = 17:
//   dx/dt = 0.2 x(t - tau) / (1 + x(t - tau)^10) - 0.1 x(t),   x(t) = 1.2 for t <= 0.
inline constexpr double mackey_glass_tau = 17.0;
inline constexpr double mackey_glass_history = 1.2;
inline constexpr double mackey_glass_step = 0.1;  // Runge-Kutta step, so tau is 170 steps
inline constexpr std::size_t mackey_glass_first_t = 118;
inline constexpr std::size_t mackey_glass_last_train_t = 617;
inline constexpr std::size_t mackey_glass_last_t = 1117;

// Returns x(t) at the integer times t = 0..last_t, integrated with fourth-order Runge-Kutta.
std::vector<double> mackey_glass_series(std::size_t last_t);

// Generates rows t = 118..1117 with inputs x(t-18), x(t-12), x(t-6), x(t) and target x(t + horizon).
// The predefined split trains on t = 118..617 and tests on t = 618..1117.
Dataset generate_mackey_glass(const GeneratorOptions& options);

// Friedman #1 (Friedman, 1991): x uniform on [0, 1]^10 and
//   y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + noise,
// so x6..x10 do not affect y. Defaults: 1000 samples, noise standard deviation 1.
Dataset generate_friedman1(const GeneratorOptions& options);

// y = sin(x) + noise with x uniform on [-pi, pi]. Defaults: 200 samples, noise standard deviation 0.1.
Dataset generate_sine(const GeneratorOptions& options);

// Every pattern of n bits (default 3) in counting order, labelled with the parity of its ones
// (class "1" for an odd count).
Dataset generate_parity(const GeneratorOptions& options);

}  // namespace nclab
