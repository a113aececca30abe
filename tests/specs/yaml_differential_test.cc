// The fast YAML subset reader against yaml-cpp: same documents, same
// positions, on the examples and on texts near the edges of the subset.
// fuzz/fuzz_yaml_readers runs the same comparison on generated input.

#include "tests/specs/yaml_differential.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace sesame::specs::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(YamlDifferentialTest, ExamplesReadTheSameByBothReaders) {
  int accepted = 0, files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(SESAME_SOURCE_DIR "/examples")) {
    if (entry.path().extension() != ".yaml") continue;
    std::string text = ReadFile(entry.path());
    ++files;
    accepted += SubsetAccepts(text) ? 1 : 0;
    EXPECT_EQ(CompareYamlReaders(text), std::nullopt) << entry.path();
  }
  EXPECT_GT(files, 3);
  // The examples are the subset's home ground: most are read by it.
  EXPECT_GT(accepted * 2, files);
}

TEST(YamlDifferentialTest, EdgesOfTheSubset) {
  const char* texts[] = {
      "a: 1\n",
      "a: 0.50\nb: 010\nc: 0x1F\nd: 1e3\ne: .5\nf: +1\n",
      "a: yes\nb: no\nc: on\nd: True\ne: NULL\nf: ~\ng:\n",
      "a: 'it''s'\nb: \"tab\\there\"\nc: \"\\u00e9\"\n",
      "a: [1, 2, {b: c}]\nd: {e: [f, g]}\n",
      "- a\n- b:\n    c: d\n- - e\n  - f\n",
      "a:\n  - b\n  - c\nd: e\n",
      "a: |\n  line one\n  line two\nb: >-\n  folded\n  text\n",
      "a: b # comment\n# another\nc: d\n",
      "---\na: 1\n---\nb: 2\n...\n",
      "a: b: c\n",
      "a: &x 1\nb: *x\n",
      "? complex\n: key\n",
      "a: 1\na: 2\n",
      "\"quoted key\": v\n'other': w\n",
      "a:    spaced    \nb:\t\n",
      "a: -1\nb: - 1\nc: -\n",
      "a: \"unterminated\n",
      "[1, 2\n",
      "a: 1\n b: 2\n",
      "{\"apiVersion\": \"sesame.dev/v1alpha1\", \"kind\": \"Sandbox\"}\n",
      "a: 2026-12-01T00:00:00Z\nb: 2026-12-01\n",
      "a: !!str 1\nb: !custom x\n",
      "key with spaces: value with: colon\n",
      "a: 'multi\n  line'\n",
      "a: \"multi\n  line\"\n",
  };
  for (const char* text : texts) {
    EXPECT_EQ(CompareYamlReaders(text), std::nullopt) << text;
  }
}

// YAML's 1024-character limit on implicit keys, in block and flow mappings
// (the flow case was found by fuzz_yaml_readers: the subset reader read a
// 1,030-character flow key that yaml-cpp refuses).
TEST(YamlDifferentialTest, KeysAroundTheImplicitKeyLimit) {
  for (size_t length : {990u, 1000u, 1023u, 1024u, 1025u, 1030u}) {
    std::string key(length, 'k');
    for (const std::string& text : {key + ": v\n", "a: {" + key + ": v}\n", "a: [1, {" + key + ": v}]\n",
                                    "a: {" + key + "   : v}\n"}) {
      EXPECT_EQ(CompareYamlReaders(text), std::nullopt) << length << ": " << text.substr(0, 8);
    }
  }
}

}  // namespace
}  // namespace sesame::specs::testing
