#include <gtest/gtest.h>

#include <vector>

#include "framework/core/rng.hpp"

namespace nclab {
namespace {

TEST(Rng, SameKeyGivesSameStream) {
  Rng a = Rng::stream(7, 123, 2, StreamPurpose::shuffle);
  Rng b = Rng::stream(7, 123, 2, StreamPurpose::shuffle);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(Rng, KeysSeparateStreams) {
  Rng a = Rng::stream(7, 123, 2, StreamPurpose::shuffle);
  Rng b = Rng::stream(7, 123, 3, StreamPurpose::shuffle);
  Rng c = Rng::stream(7, 123, 2, StreamPurpose::initialization);
  const auto first = a.next_u64();
  EXPECT_NE(first, b.next_u64());
  EXPECT_NE(first, c.next_u64());
}

TEST(Rng, UniformStaysInRangeWithPlausibleMean) {
  Rng rng(42);
  double sum = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform(-0.5, 0.5);
    ASSERT_GE(u, -0.5);
    ASSERT_LT(u, 0.5);
    sum += u;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
}

TEST(Rng, BelowCoversEveryValue) {
  Rng rng(3);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 7000; ++i) counts[rng.below(7)]++;
  for (int c : counts) EXPECT_GT(c, 800);
}

}  // namespace
}  // namespace nclab
