// Choosing OpenBLAS's kernels where its detection falls back to an older core (framework/core/blas_core).

#include "framework/core/blas_core.hpp"

#include <cblas.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace nclab {
namespace {

TEST(BlasCore, LevelsOfCoreNames) {
  EXPECT_EQ(blas_core_level("Prescott"), SimdLevel::sse);
  EXPECT_EQ(blas_core_level("prescott"), SimdLevel::sse);
  EXPECT_EQ(blas_core_level("Nehalem"), SimdLevel::sse);
  EXPECT_EQ(blas_core_level("Sandybridge"), SimdLevel::avx);
  EXPECT_EQ(blas_core_level("Haswell"), SimdLevel::avx2);
  EXPECT_EQ(blas_core_level("Zen"), SimdLevel::avx2);
  EXPECT_EQ(blas_core_level("SkylakeX"), SimdLevel::avx512);
  EXPECT_EQ(blas_core_level("COOPERLAKE"), SimdLevel::avx512);
  EXPECT_EQ(blas_core_level("NeoverseN1"), SimdLevel::unknown);
  EXPECT_EQ(blas_core_level(""), SimdLevel::unknown);
}

TEST(BlasCore, ReplacesOnlyCoresBelowTheCpu) {
  EXPECT_EQ(better_blas_core("Prescott", SimdLevel::avx512), "SkylakeX");
  EXPECT_EQ(better_blas_core("Prescott", SimdLevel::avx2), "Haswell");
  EXPECT_EQ(better_blas_core("Sandybridge", SimdLevel::avx2), "Haswell");
  EXPECT_EQ(better_blas_core("Nehalem", SimdLevel::avx), "Sandybridge");
  // OpenBLAS's own choice stays when it matches the CPU, exceeds what was detected, or is unknown.
  EXPECT_EQ(better_blas_core("Zen", SimdLevel::avx2), std::nullopt);
  EXPECT_EQ(better_blas_core("Cooperlake", SimdLevel::avx512), std::nullopt);
  EXPECT_EQ(better_blas_core("Haswell", SimdLevel::avx), std::nullopt);
  EXPECT_EQ(better_blas_core("Prescott", SimdLevel::sse), std::nullopt);
  EXPECT_EQ(better_blas_core("Prescott", SimdLevel::unknown), std::nullopt);
  EXPECT_EQ(better_blas_core("SomeFutureCore", SimdLevel::avx512), std::nullopt);
}

// This test process runs the kernels OpenBLAS detected. The nclab binary switches to better ones where
// better_blas_core names some. On a CPU that OpenBLAS 0.3.21 does not know (recent Xeons) this runs
// the real switch.
TEST(BlasCore, BinaryRunsTheChosenCore) {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) GTEST_SKIP() << "OPENBLAS_CORETYPE is set for the tests";
  const std::string detected = openblas_get_corename();
  const auto better = better_blas_core(detected, cpu_simd_level());
  const e2e::ProcessResult result = e2e::run_nclab({"--version"});
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  if (better) {
    EXPECT_NE(result.out.find("OpenBLAS core: " + *better + " (chosen by nclab for this CPU; OpenBLAS detected " +
                              detected),
              std::string::npos)
        << result.out;
  } else {
    EXPECT_NE(result.out.find("OpenBLAS core: " + detected + "\n"), std::string::npos) << result.out;
  }
}

TEST(BlasCore, BinaryKeepsTheUsersCore) {
  e2e::ProcessOptions options;
  options.environment = {{"OPENBLAS_CORETYPE", "Prescott"}};
  const e2e::ProcessResult result = e2e::run_nclab({"--version"}, options);
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  EXPECT_NE(result.out.find("OpenBLAS core: Prescott (set by OPENBLAS_CORETYPE)"), std::string::npos) << result.out;
}

TEST(BlasCore, BinaryNamesAnUnknownCore) {
  // OpenBLAS 0.3.21 silently runs another core for a name it does not know.
  e2e::ProcessOptions options;
  options.environment = {{"OPENBLAS_CORETYPE", "NoSuchCore"}};
  const e2e::ProcessResult result = e2e::run_nclab({"--version"}, options);
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  EXPECT_NE(result.out.find("(OPENBLAS_CORETYPE='NoSuchCore' is not a known OpenBLAS core name; set one such "
                            "as SkylakeX or Haswell)"),
            std::string::npos)
      << result.out;
}

TEST(BlasCore, BinaryNamesAMappedCore) {
  // Katmai is a 32-bit core that 64-bit OpenBLAS builds accept and run as another core.
  e2e::ProcessOptions options;
  options.environment = {{"OPENBLAS_CORETYPE", "Katmai"}};
  const e2e::ProcessResult result = e2e::run_nclab({"--version"}, options);
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  EXPECT_NE(result.out.find("(set by OPENBLAS_CORETYPE='Katmai', which OpenBLAS runs as "), std::string::npos)
      << result.out;
  EXPECT_EQ(result.out.find("not a known"), std::string::npos) << result.out;
}

// Problems with OPENBLAS_CORETYPE and a resume under another core are warnings, which
// --log-level warning still shows.
TEST(BlasCore, CoreWarningsShowAtWarningLevel) {
  e2e::ScratchFolder folder("blas-core-warnings");
  const std::string out = (folder / "sweep.h5").string();
  const std::vector<std::string> sweep = {"sweep",     "--data",  "builtin:mackey-glass", "--folds",      "2",
                                          "--hidden",  "3",       "--epochs",             "2",            "--progress",
                                          "never",     "--out",   out,                    "--log-level",  "warning"};
  e2e::ProcessOptions haswell;
  haswell.environment = {{"OPENBLAS_CORETYPE", "Haswell"}};
  const e2e::ProcessResult first = e2e::run_nclab(sweep, haswell);
  ASSERT_EQ(first.exit_status, 0) << first.describe();

  std::vector<std::string> resume = sweep;
  resume.push_back("--resume");
  e2e::ProcessOptions prescott;
  prescott.environment = {{"OPENBLAS_CORETYPE", "Prescott"}};
  const e2e::ProcessResult resumed = e2e::run_nclab(resume, prescott);
  ASSERT_EQ(resumed.exit_status, 0) << resumed.describe();
  EXPECT_NE(resumed.err.find("warning"), std::string::npos) << resumed.err;
  EXPECT_NE(resumed.err.find("was started with"), std::string::npos) << resumed.err;

  e2e::ProcessOptions unknown;
  unknown.environment = {{"OPENBLAS_CORETYPE", "NoSuchCore"}};
  std::vector<std::string> other = sweep;
  std::replace(other.begin(), other.end(), out, (folder / "other.h5").string());
  const e2e::ProcessResult unknown_result = e2e::run_nclab(other, unknown);
  ASSERT_EQ(unknown_result.exit_status, 0) << unknown_result.describe();
  EXPECT_NE(unknown_result.err.find("'NoSuchCore' is not a known OpenBLAS core name, so OpenBLAS runs "),
            std::string::npos)
      << unknown_result.err;
}

TEST(BlasCore, BinaryRunsUnderTheDynamicLoader) {
  // `ld.so nclab ARGS` runs nclab with ARGS and the same core as a direct start.
  const char* loader = "/lib64/ld-linux-x86-64.so.2";
  if (access(loader, X_OK) != 0) GTEST_SKIP() << loader << " is not here";
  const e2e::ProcessResult direct = e2e::run_nclab({"--version"});
  const e2e::ProcessResult result = e2e::run_process({loader, e2e::nclab_binary().string(), "--version"});
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  EXPECT_EQ(result.out.rfind("nclab ", 0), 0u) << result.out;
  EXPECT_EQ(result.out, direct.out);
}

// The switched kernels must compute what OpenBLAS's generic SSE3 kernels compute. Hidden layers of 64
// units on batches of 50 patterns send every layer through dgemm, and the printed errors (4 significant
// digits) must match.
TEST(BlasCore, SwitchedKernelsGiveTheSameErrors) {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) GTEST_SKIP() << "OPENBLAS_CORETYPE is set for the tests";
  e2e::ScratchFolder folder("blas-core");
  const std::vector<std::string> train = {"train",  "--data",   "builtin:mackey-glass", "--folds", "2", "--members",
                                          "2",      "--hidden", "64",                   "--batch", "50", "--epochs",
                                          "3",      "--progress", "never"};
  std::vector<std::string> chosen = train;
  chosen.insert(chosen.end(), {"--out", (folder / "chosen.h5").string()});
  std::vector<std::string> generic = train;
  generic.insert(generic.end(), {"--out", (folder / "generic.h5").string()});
  e2e::ProcessOptions prescott;
  prescott.environment = {{"OPENBLAS_CORETYPE", "Prescott"}};
  const e2e::ProcessResult chosen_result = e2e::run_nclab(chosen);
  const e2e::ProcessResult generic_result = e2e::run_nclab(generic, prescott);
  ASSERT_EQ(chosen_result.exit_status, 0) << chosen_result.describe();
  ASSERT_EQ(generic_result.exit_status, 0) << generic_result.describe();
  EXPECT_NE(chosen_result.out.find("complete"), std::string::npos) << chosen_result.out;
  EXPECT_EQ(chosen_result.out, generic_result.out);
}

}  // namespace
}  // namespace nclab
