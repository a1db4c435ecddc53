#pragma once
// Deterministic random streams.
//
// Every stream is keyed by (seed, run id, member index, purpose), never by thread, so that results are
// bitwise identical for any thread count. The generator is xoshiro256** seeded through SplitMix64; the
// conversions to double are written here rather than taken from <random>, whose distributions differ
// between standard libraries.

#include <cstdint>
#include <span>
#include <string_view>

namespace nclab {

enum class StreamPurpose : std::uint64_t {
  initialization = 1,  // initial weights
  shuffle = 2,         // pattern order each epoch
  split = 3,           // folds and holdout splits
  data = 4,            // generated datasets
  other = 5,
};

// SplitMix64 finaliser: a bijective 64-bit mix used to combine keys.
std::uint64_t mix64(std::uint64_t x);

// 64-bit FNV-1a hash of a string, for turning names into keys.
std::uint64_t hash_string(std::string_view text);

class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  // A stream keyed by the full tuple; member is 0 for streams that belong to a whole run.
  static Rng stream(std::uint64_t seed, std::uint64_t run_key, std::uint64_t member, StreamPurpose purpose);

  std::uint64_t next_u64();
  // Uniform on [0, 1) with 53 random bits.
  double uniform();
  // Uniform on [low, high).
  double uniform(double low, double high);
  // Uniform integer on [0, bound), without modulo bias; bound must be > 0.
  std::uint64_t below(std::uint64_t bound);
  // Standard normal through the Box-Muller transform.
  double normal();
  // Fisher-Yates shuffle.
  template <typename T>
  void shuffle(std::span<T> items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::size_t j = static_cast<std::size_t>(below(i));
      std::swap(items[i - 1], items[j]);
    }
  }

 private:
  std::uint64_t state_[4];
};

}  // namespace nclab
