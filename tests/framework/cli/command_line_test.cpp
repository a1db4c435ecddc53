#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "framework/cli/command_line.hpp"
#include "framework/core/error.hpp"

namespace nclab {
namespace {

ParsedOptions parse(const std::vector<std::string>& args, bool allow_lists = true) {
  return parse_training_options("sweep", args, training_options(), allow_lists);
}

std::string error_of(const std::vector<std::string>& args, bool allow_lists = true) {
  try {
    parse(args, allow_lists);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

TEST(ParseOptions, DefaultsAndGivenValues) {
  const ParsedOptions parsed = parse({"--data", "builtin:sine", "--method", "ncl", "--lambda", "0.5"});
  EXPECT_EQ(parsed.get("lambda"), "0.5");
  EXPECT_EQ(parsed.get("epochs"), "100");
  EXPECT_TRUE(parsed.given.count("lambda"));
  EXPECT_FALSE(parsed.given.count("epochs"));
  EXPECT_FALSE(parsed.flag("allow-unstable"));
}

TEST(ParseOptions, NegativeValueIsParsedInBothSpellings) {
  EXPECT_EQ(parse({"--data", "x", "--method", "ncl", "--lambda=-0.5"}).get("lambda"), "-0.5");
  EXPECT_EQ(parse({"--data", "x", "--method", "ncl", "--lambda", "-0.5"}).get("lambda"), "-0.5");
}

TEST(ParseOptions, MisspelledOptionSuggestsName) {
  const std::string message = error_of({"--data", "x", "--lamda", "0.5"});
  EXPECT_NE(message.find("--lamda"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean '--lambda'"), std::string::npos) << message;
}

TEST(ParseOptions, AbbreviationIsNotGuessed) {
  EXPECT_NE(error_of({"--data", "x", "--lam", "0.5"}), "");
}

TEST(ParseOptions, OptionForOtherMethodIsRejected) {
  const std::string message = error_of({"--data", "x", "--method", "ncl", "--indicator", "previous"});
  EXPECT_NE(message.find("--indicator does not apply to --method=ncl"), std::string::npos) << message;
  EXPECT_NE(message.find("decorrelated"), std::string::npos) << message;
}

TEST(ParseOptions, OptionAppliesWhenAnySweptMethodTakesIt) {
  const ParsedOptions parsed =
      parse({"--data", "x", "--method", "ncl,decorrelated", "--indicator", "previous,alternate"});
  EXPECT_EQ(parsed.get("indicator"), "previous,alternate");
}

TEST(ParseOptions, LambdaWithIndependentIsRejected) {
  EXPECT_NE(error_of({"--data", "x", "--lambda", "0.5"}).find("does not apply"), std::string::npos);
}

TEST(ParseOptions, ScheduleOptionsNeedTheirSchedule) {
  EXPECT_NE(error_of({"--data", "x", "--decay", "0.1"}).find("--schedule"), std::string::npos);
  EXPECT_EQ(error_of({"--data", "x", "--schedule", "exponential", "--decay", "0.1"}), "");
}

TEST(ParseOptions, ModelOptionNeedsItsModel) {
  const std::string message = error_of({"--data", "x", "--model", "perceptron", "--hidden", "5"});
  EXPECT_NE(message.find("--hidden does not apply"), std::string::npos) << message;
}

// An unknown model is the mistake to report, not the model options that then apply to nothing.
TEST(ParseOptions, UnknownModelNamedBeforeItsOptions) {
  const std::string message = error_of({"--data", "x", "--model", "resnet", "--hidden", "5"});
  EXPECT_NE(message.find("unknown model 'resnet'"), std::string::npos) << message;
  EXPECT_NE(message.find("perceptron"), std::string::npos) << message;
  const std::string in_list = error_of({"--data", "x", "--model", "mlp,resnet", "--hidden", "5"});
  EXPECT_NE(in_list.find("unknown model 'resnet'"), std::string::npos) << in_list;
}

TEST(ParseOptions, BoundsAndChoicesAreChecked) {
  EXPECT_NE(error_of({"--data", "x", "--members", "0"}).find("outside its bounds"), std::string::npos);
  EXPECT_NE(error_of({"--data", "x", "--epochs", "2.5"}).find("whole number"), std::string::npos);
  const std::string message = error_of({"--data", "x", "--method", "ncll"});
  EXPECT_NE(message.find("did you mean 'ncl'"), std::string::npos) << message;
}

TEST(ParseOptions, TrainRejectsLists) {
  const std::string message = error_of({"--data", "x", "--method", "ncl", "--lambda", "0,0.5"}, false);
  EXPECT_NE(message.find("nclab sweep"), std::string::npos) << message;
}

TEST(ParseOptions, RepeatedOptionIsAnError) {
  EXPECT_NE(error_of({"--data", "x", "--epochs", "5", "--epochs", "6"}), "");
}

TEST(ParseOptions, ConfigFileAndCommandLineWins) {
  const std::string path = ::testing::TempDir() + "/nclab_config_test.ini";
  {
    std::ofstream file(path);
    file << "# a comment\ndata = builtin:sine\nmethod = ncl\nlambda = 0:1:0.5\nepochs = 7\n";
  }
  const ParsedOptions parsed = parse({"--config", path, "--epochs", "9"});
  EXPECT_EQ(parsed.get("data"), "builtin:sine");
  EXPECT_EQ(parsed.get("lambda"), "0:1:0.5");
  EXPECT_EQ(parsed.get("epochs"), "9");
  std::remove(path.c_str());
}

TEST(ParseOptions, ConfigFileTypoSuggestsName) {
  const std::string path = ::testing::TempDir() + "/nclab_config_typo.ini";
  {
    std::ofstream file(path);
    file << "data = builtin:sine\nlearning_rate = 0.1\n";
  }
  const std::string message = error_of({"--config", path});
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("unknown key 'learning_rate'"), std::string::npos) << message;
  EXPECT_NE(message.find("line 2"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'learning-rate'"), std::string::npos) << message;
  std::remove(path.c_str());
}

std::string write_config(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

// Boost.Program_options reads `[train]` as a prefix, so `lambda` below it would become an unknown
// option `train.lambda`, and a header with no keys below it would pass silently.
TEST(ParseOptions, ConfigSectionHeaderIsRejected) {
  struct Case {
    std::string text;
    std::string line;
    std::string header;
  };
  const std::vector<Case> cases = {
      {"[train]\nlambda = 0.3\n", "line 1", "'[train]'"},
      {"data = builtin:sine\nepochs = 7\n  [sweep]  \n", "line 3", "'[sweep]'"},
      {"data = builtin:sine\n[ncl\nlambda = 0.3\n", "line 2", "'[ncl'"},
  };
  for (const Case& config : cases) {
    SCOPED_TRACE(config.text);
    const std::string path = write_config("nclab_config_section.ini", config.text);
    const std::string message = error_of({"--config", path});
    EXPECT_NE(message.find("config file '" + path + "', " + config.line), std::string::npos) << message;
    EXPECT_NE(message.find("section header " + config.header), std::string::npos) << message;
    EXPECT_NE(message.find("no sections"), std::string::npos) << message;
    EXPECT_NE(message.find("at the top level"), std::string::npos) << message;
    EXPECT_EQ(message.find("train.lambda"), std::string::npos) << message;
    std::remove(path.c_str());
  }
}

TEST(ParseOptions, ConfigFolderIsRejected) {
  const std::string folder = ::testing::TempDir() + "/nclab_config_folder";
  std::filesystem::create_directories(folder);
  const std::string message = error_of({"--config", folder, "--data", "builtin:sine"});
  EXPECT_NE(message.find("--config '" + folder + "' is a folder"), std::string::npos) << message;
  EXPECT_NE(message.find("INI file"), std::string::npos) << message;
  std::filesystem::remove(folder);
}

// A bad value in the file names the file and the line, also when the command line overrides the key.
TEST(ParseOptions, ConfigValueErrorsNameFileAndLine) {
  struct Case {
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"data = builtin:sine\nepochs = many\n", "line 2: invalid value 'many' for --epochs: expected a whole number"},
      {"data = builtin:sine\nmembers = 0\n", "line 2: --members=0 is outside its bounds"},
      {"data = builtin:sine\n\nallow-unstable = maybe\n", "line 3: invalid value 'maybe' for --allow-unstable"},
      {"data = builtin:sine\nmethod = ncl\nlambda = 0..5\n", "line 3: invalid value '0..5' for --lambda"},
  };
  for (const Case& config : cases) {
    SCOPED_TRACE(config.text);
    const std::string path = write_config("nclab_config_value.ini", config.text);
    const std::string message = error_of({"--config", path, "--epochs", "2", "--members", "3"});
    EXPECT_NE(message.find("config file '" + path + "', " + config.expected), std::string::npos) << message;
    std::remove(path.c_str());
  }
}

TEST(ParseOptions, ConfigWithByteOrderMarkIsRejected) {
  const std::string path = write_config("nclab_config_bom.ini", "\xEF\xBB\xBF" "data = builtin:sine\n");
  const std::string message = error_of({"--config", path});
  EXPECT_NE(message.find("byte order mark"), std::string::npos) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
  std::remove(path.c_str());
}

TEST(ParseOptions, ConfigCommentMayHoldBrackets) {
  const std::string path =
      write_config("nclab_config_comment.ini", "# [train] is not a section here\ndata = builtin:sine  # [x]\n");
  EXPECT_EQ(parse({"--config", path}).get("data"), "builtin:sine");
  std::remove(path.c_str());
}

TEST(ParseOptions, ConfigUnknownKeyNamesItsOwnLine) {
  // The unknown key 'lamda' starts like the comment above it; the error must name line 3.
  const std::string path = write_config("nclab_config_line.ini", "data = builtin:sine\n# lamda below\nlamda = 0.3\n");
  const std::string message = error_of({"--config", path});
  EXPECT_NE(message.find("unknown key 'lamda' in config file '" + path + "', line 3"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'lambda'?"), std::string::npos) << message;
  std::remove(path.c_str());
}

TEST(ParseOptions, ConfigUnknownKeyWithoutSuggestion) {
  const std::string path = write_config("nclab_config_far.ini", "data = builtin:sine\nxyzzyplugh = 1\n");
  const std::string message = error_of({"--config", path});
  EXPECT_NE(message.find("unknown key 'xyzzyplugh' in config file '" + path + "', line 2"), std::string::npos)
      << message;
  EXPECT_NE(message.find("`nclab sweep --help`"), std::string::npos) << message;
  std::remove(path.c_str());
}

TEST(ParseOptions, ConfigLineWithoutEqualsIsNamed) {
  const std::string path = write_config("nclab_config_syntax.ini", "data = builtin:sine\nepochs 7\n");
  const std::string message = error_of({"--config", path});
  EXPECT_NE(message.find("config file '" + path + "', line 2"), std::string::npos) << message;
  EXPECT_NE(message.find("'epochs 7'"), std::string::npos) << message;
  EXPECT_NE(message.find("`name = value`"), std::string::npos) << message;
  std::remove(path.c_str());
}

// Without the check, `config` in the file would be ignored because --config on the command line wins.
TEST(ParseOptions, ConfigFileCannotNameAnother) {
  const std::string path = write_config("nclab_config_nested.ini", "config = other.ini\n");
  const std::string message = error_of({"--config", path});
  EXPECT_NE(message.find("config file '" + path + "', line 1"), std::string::npos) << message;
  EXPECT_NE(message.find("'config' works only on the command line"), std::string::npos) << message;
  std::remove(path.c_str());
}

TEST(ParseOptions, MissingConfigFileIsNamed) {
  const std::string message = error_of({"--config", "/nonexistent/x.ini"});
  EXPECT_NE(message.find("/nonexistent/x.ini"), std::string::npos) << message;
}

TEST(TrainingHelp, ListsEveryOptionWithDefaultAndBounds) {
  const auto table = training_options();
  const std::string help = training_help("sweep", table);
  for (const auto& spec : table) {
    EXPECT_NE(help.find("--" + spec.name), std::string::npos) << spec.name;
  }
  EXPECT_NE(help.find("bounds: [1, 10000]; default: 1"), std::string::npos) << help;
}

TEST(TrainingHelp, ExclusiveBoundsUseParentheses) {
  // --learning-rate must be above 0, so help shows (0, inf) and the parser rejects 0 itself.
  const std::string help = training_help("train", training_options());
  EXPECT_NE(help.find("bounds: (0, inf); default: 0.1"), std::string::npos) << help;
  const std::string message = error_of({"--data", "x", "--learning-rate", "0"});
  EXPECT_NE(message.find("--learning-rate=0 is outside its bounds (0, inf)"), std::string::npos) << message;
  EXPECT_EQ(error_of({"--data", "x", "--learning-rate", "1e-9"}), "");
}

}  // namespace
}  // namespace nclab
