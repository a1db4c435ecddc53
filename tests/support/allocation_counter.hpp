#pragma once
// Counts calls to the global operator new in the test binary, which replaces it in
// allocation_counter.cpp. The replacement also serves code in the shared core library, so a test can
// check that a hot path allocates nothing:
//   const auto before = allocation_count();  run();  EXPECT_EQ(allocation_count(), before);

#include <cstddef>

namespace nclab::test_support {

std::size_t allocation_count();

// False in sanitizer builds, which keep their own operator new so that they can check every
// allocation. allocation_count() then stays 0.
bool allocation_counting_enabled();

}  // namespace nclab::test_support
