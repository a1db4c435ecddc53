#pragma once
// Time-dependent penalty coefficients lambda(t): the coefficient used in each epoch of a run.

#include <cstddef>

#include "framework/ensemble/settings.hpp"

namespace nclab {

// Returns the coefficient for epoch t (0-based) of a run of `epochs` epochs, where `coefficient` is the
// configured lambda or gamma c:
//   constant     c
//   linear       from + (c - from) t / (T - 1), so epoch 0 uses `from` and the last epoch uses c.
//                A run of one epoch uses c.
//   exponential  c exp(-decay t)
//   step         c factor^floor(t / every)
// In sequential mode t counts the epochs of the member being trained, so the schedule restarts for each
// member.
double scheduled_coefficient(const ScheduleConfig& schedule, double coefficient, std::size_t epoch,
                             std::size_t epochs);

}  // namespace nclab
