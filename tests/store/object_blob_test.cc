#include "store/object_blob.h"

#include <gtest/gtest.h>

#include "store/json_fields.h"

namespace sesame::store {
namespace {

specs::Object Full() {
  specs::Object o;
  o.kind = "Sandbox";
  o.metadata.name = "n";
  o.metadata.namespace_ = "ns";
  o.metadata.labels = {{"a", "b"}, {"quote\"", "new\nline"}};
  o.metadata.annotations = {{"x", ""}};
  o.metadata.uid = "u";
  o.metadata.generation = 3;
  o.metadata.resource_version = 1234567890123;
  o.metadata.creation_timestamp = FromMillis(1'800'000'000'123);
  o.metadata.deletion_timestamp = FromMillis(-5);
  o.metadata.finalizers = {"f1", "f2"};
  o.spec = R"({"n":1.50,"s":"\u00e9"})";
  o.status = "{}";
  return o;
}

TEST(ObjectBlobTest, RoundTrips) {
  specs::Object o = Full();
  Result<specs::Object> back = DecodeObjectBlob(EncodeObjectBlob(o));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, o);
  specs::Object empty;
  EXPECT_EQ(*DecodeObjectBlob(EncodeObjectBlob(empty)), empty);
}

TEST(ObjectBlobTest, TruncationIsDetected) {
  std::string bytes = EncodeObjectBlob(Full());
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeObjectBlob(std::string_view(bytes).substr(0, n)).ok()) << n;
  }
}

TEST(JsonFieldsTest, EncodesAndDecodes) {
  specs::StringMap m = {{"a", "b\"c\\"}, {"ctl", std::string("\x01", 1)}, {"utf", "é"}};
  std::string json = EncodeStringMap(m);
  EXPECT_EQ(json, R"({"a":"b\"c\\","ctl":"\u0001","utf":"é"})");
  EXPECT_EQ(*DecodeStringMap(json), m);
  EXPECT_EQ(EncodeStringList({}), "[]");
  EXPECT_EQ(*DecodeStringList(EncodeStringList({"x", "y"})),
            (std::vector<std::string>{"x", "y"}));
  EXPECT_FALSE(DecodeStringMap("{oops").ok());
}

}  // namespace
}  // namespace sesame::store
