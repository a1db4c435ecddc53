#include "framework/ensemble/schedule.hpp"

#include <cmath>

namespace nclab {

double scheduled_coefficient(const ScheduleConfig& schedule, double coefficient, std::size_t epoch,
                             std::size_t epochs) {
  const double t = static_cast<double>(epoch);
  switch (schedule.kind) {
    case ScheduleKind::constant:
      return coefficient;
    case ScheduleKind::linear: {
      if (epochs <= 1) return coefficient;
      const double fraction = t / static_cast<double>(epochs - 1);
      return schedule.from + (coefficient - schedule.from) * fraction;
    }
    case ScheduleKind::exponential:
      return coefficient * std::exp(-schedule.decay * t);
    case ScheduleKind::step: {
      const std::size_t every = schedule.every == 0 ? 1 : schedule.every;
      const double steps = static_cast<double>(epoch / every);
      return coefficient * std::pow(schedule.factor, steps);
    }
  }
  return coefficient;
}

}  // namespace nclab
