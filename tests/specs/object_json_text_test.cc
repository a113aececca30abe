// The JSON written without a JSON library is the text the library writes.

#include <gtest/gtest.h>

#include "specs/codec.h"
#include "specs/object_json_text.h"

namespace sesame::specs {
namespace {

std::string Fast(const Object& o) {
  std::string out;
  AppendObjectJson(out, o);
  return out;
}

TEST(ObjectJsonTextTest, EqualsTheLibrarysTextForEveryShapeOfObject) {
  Object bare;
  bare.kind = kKindSandbox;
  bare.metadata.name = "bare";
  EXPECT_EQ(Fast(bare), ObjectToJson(bare, false));

  Object full = bare;
  full.metadata.name = "full";
  full.metadata.namespace_ = "team-a";
  full.metadata.labels = {{"app", "web"}, {"tier", "b"}};
  full.metadata.annotations = {{"note", "line\nbreak \"quoted\" \\ tab\t bell\x07 é"}};
  full.metadata.uid = "0d9c-uid";
  full.metadata.generation = 3;
  full.metadata.resource_version = 1234;
  full.metadata.creation_timestamp = Time(std::chrono::milliseconds(1'800'000'000'000));
  full.metadata.deletion_timestamp = Time(std::chrono::milliseconds(1'800'000'000'123));
  full.metadata.finalizers = {kSandboxFinalizer};
  full.spec = CanonicalJson(R"({"provider":"filesystem","command":["sh","-c","echo \"hi\""]})");
  full.status = CanonicalJson(R"({"phase":"Running","conditions":[{"type":"Ready","status":"True"}]})");
  EXPECT_EQ(Fast(full), ObjectToJson(full, false));

  Object tmpl = bare;
  tmpl.kind = kKindSandboxTemplate;
  tmpl.status = "{}";
  tmpl.spec = CanonicalJson(R"({"env":[{"name":"A","value":"ü"}]})");
  EXPECT_EQ(Fast(tmpl), ObjectToJson(tmpl, false));
}

TEST(ObjectJsonTextTest, ListHeadItemsAndTailEqualTheLibrarysList) {
  Object a;
  a.kind = kKindSandbox;
  a.metadata.name = "a";
  Object b = a;
  b.metadata.name = "b";
  std::string list = ListJsonHead() + Fast(a) + "," + Fast(b) + ListJsonTail(kKindSandbox, 42);
  EXPECT_EQ(list, ListToJson(kKindSandbox, {a, b}, 42, false));
  EXPECT_EQ(ListJsonHead() + ListJsonTail("SandboxTemplateList", 7),
            ListToJson("SandboxTemplateList", {}, 7, false));
}

}  // namespace
}  // namespace sesame::specs
