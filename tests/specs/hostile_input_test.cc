// Hostile and malformed input: an error, never a crash or a hang.

#include <chrono>

#include <gtest/gtest.h>

#include "specs/manifest.h"

namespace sesame::specs {
namespace {

std::string Errors(std::string_view text) { return ParseManifests(text, "bad.yaml").ErrorText(); }

constexpr char kHeader[] = "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: a\n";

TEST(HostileInputTest, TabIndentation) {
  EXPECT_EQ(Errors(std::string(kHeader) + "spec:\n\timage: x\n"),
            "bad.yaml:6:1: tab character in indentation (YAML allows only spaces)\n");
  EXPECT_EQ(Errors(std::string(kHeader) + "spec:\n  \timage: x\n"),
            "bad.yaml:6:3: tab character in indentation (YAML allows only spaces)\n");
}

TEST(HostileInputTest, TabsInsideBlockScalarsAndJsonAreFine) {
  ParsedManifests p = ParseManifests(
      std::string(kHeader) + "spec:\n  command:\n    - bash\n    - |\n      all:\n      \tmake\n",
      "ok.yaml");
  EXPECT_TRUE(p.ok()) << p.ErrorText();
  p = ParseManifests(
      "{\n\t\"apiVersion\": \"sesame.dev/v1alpha1\",\n\t\"kind\": \"Sandbox\",\n"
      "\t\"metadata\": {\n\t\t\"name\": \"a\"\n\t}\n}\n",
      "ok.json");
  EXPECT_TRUE(p.ok()) << p.ErrorText();
}

TEST(HostileInputTest, EmptyAndCommentOnly) {
  EXPECT_EQ(Errors(""), "bad.yaml: no documents in file\n");
  EXPECT_EQ(Errors("# nothing here\n\n# at all\n"), "bad.yaml: no documents in file\n");
  EXPECT_EQ(Errors("---\n---\n"), "bad.yaml: no documents in file\n");
}

TEST(HostileInputTest, NonMappingDocument) {
  EXPECT_EQ(Errors("just a string\n"), "bad.yaml:1:1: a document must be a mapping (an object)\n");
  EXPECT_EQ(Errors("- 1\n- 2\n"),
            "bad.yaml:1:3: expected a mapping (an object), got a scalar\n"
            "bad.yaml:2:3: expected a mapping (an object), got a scalar\n");
}

TEST(HostileInputTest, DuplicateKey) {
  EXPECT_EQ(Errors(std::string(kHeader) + "spec:\n  image: a\n  image: b\n"),
            "bad.yaml:7:3: spec.image: duplicate key \"image\"\n");
  EXPECT_EQ(Errors("{\"apiVersion\": \"sesame.dev/v1alpha1\", \"kind\": \"Sandbox\", "
                   "\"metadata\": {\"name\": \"a\", \"name\": \"b\"}}"),
            "bad.yaml:1:84: metadata.name: duplicate key \"name\"\n");
}

TEST(HostileInputTest, SyntaxError) {
  EXPECT_EQ(Errors(std::string(kHeader) + "spec: {image: x\n"),
            "bad.yaml:6:1: end of map flow not found\n");
  std::string e = Errors("a: b\n c: d\n");
  EXPECT_EQ(e.rfind("bad.yaml:2:3: ", 0), 0u) << e;
}

TEST(HostileInputTest, TagsRejected) {
  EXPECT_EQ(Errors(std::string(kHeader) + "spec:\n  image: !custom x\n"),
            "bad.yaml:6:10: tag \"!custom\" is not supported in manifests\n");
}

TEST(HostileInputTest, QuotedScalarsStayStrings) {
  ParsedManifests p = ParseManifests(std::string(kHeader) + "spec:\n  image: !!str 3\n"
                                                            "  runtime: \"3.12\"\n",
                                     "ok.yaml");
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  EXPECT_NE(p.objects[0].spec.find("\"image\":\"3\""), std::string::npos) << p.objects[0].spec;
  EXPECT_NE(p.objects[0].spec.find("\"runtime\":\"3.12\""), std::string::npos);
}

TEST(HostileInputTest, TwentyMegabytes) {
  std::string big = std::string(kHeader) + "spec:\n  command:\n";
  while (big.size() < 20u << 20) big += "    - " + std::string(200, 'x') + "\n";
  auto start = std::chrono::steady_clock::now();
  std::string e = Errors(big);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(e, "bad.yaml: the input is 20.0 MiB; the limit is 8 MiB\n");
}

TEST(HostileInputTest, BillionLaughs) {
  std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) bomb += (i ? ",*" : "*") + prev;
    bomb += "]\n";
  }
  EXPECT_EQ(Errors(bomb), "bad.yaml:2:8: aliases (*name) are not supported in manifests\n");
}

TEST(HostileInputTest, DeepFlowNesting) {
  auto start = std::chrono::steady_clock::now();
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(Errors(deep), "bad.yaml:1:65: nesting is deeper than 64 levels\n");
  std::string maps;
  for (int i = 0; i < 100000; ++i) maps += "{a: ";
  maps += "1" + std::string(100000, '}');
  EXPECT_EQ(Errors(maps), "bad.yaml:1:257: nesting is deeper than 64 levels\n");
  std::string unclosed(100000, '[');
  // yaml-cpp reads an unclosed "[" at the top as a complex mapping key.
  EXPECT_EQ(Errors(unclosed), "bad.yaml:1:1: mapping keys must be strings, not lists or mappings\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(HostileInputTest, DeepBlockNesting) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += std::string(i, ' ') + "a:\n";
  EXPECT_EQ(Errors(deep), "bad.yaml:65:65: nesting is deeper than 64 levels\n");
}

TEST(HostileInputTest, TooManyDocuments) {
  std::string many;
  for (size_t i = 0; i <= kMaxDocuments; ++i) many += "--- ~\n";
  EXPECT_EQ(Errors(many), "bad.yaml:100001:1: more than 100000 documents\n");
}

TEST(HostileInputTest, GarbageBytes) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) % 256);
  ParsedManifests p = ParseManifests(garbage, "bad.yaml");
  EXPECT_FALSE(p.ok());
}

}  // namespace
}  // namespace sesame::specs
