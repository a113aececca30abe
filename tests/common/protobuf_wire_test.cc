#include "common/protobuf_wire.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

std::string Hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

// The examples of the protobuf encoding guide and protoc's output.
TEST(ProtobufWriterTest, VarintsUseSevenBitGroupsLeastSignificantFirst) {
  ProtobufWriter w;
  w.Varint(1, 150);
  EXPECT_EQ(Hex(w.bytes()), "089601");
  ProtobufWriter zero;
  zero.Varint(2, 0);
  EXPECT_EQ(Hex(zero.bytes()), "1000");
  ProtobufWriter negative;
  negative.Varint(1, -1);
  EXPECT_EQ(Hex(negative.bytes()), "08ffffffffffffffffff01");
  ProtobufWriter big_field;
  big_field.Bool(31, true);  // tag (31 << 3) = 248 takes two bytes
  EXPECT_EQ(Hex(big_field.bytes()), "f80101");
}

TEST(ProtobufWriterTest, StringsAndMessagesAreLengthDelimited) {
  ProtobufWriter w;
  w.String(2, "testing");
  EXPECT_EQ(Hex(w.bytes()), "120774657374696e67");
  ProtobufWriter outer;
  ProtobufWriter inner;
  inner.Varint(1, 150);
  outer.Message(3, inner);
  EXPECT_EQ(Hex(outer.bytes()), "1a03089601");
  ProtobufWriter empty;
  outer.Message(4, empty);  // present but empty
  EXPECT_EQ(Hex(outer.bytes()), "1a030896012200");
  ProtobufWriter long_string;
  long_string.String(1, std::string(200, 'a'));
  EXPECT_EQ(Hex(long_string.bytes()).substr(0, 6), "0ac801");
  EXPECT_EQ(long_string.bytes().size(), 3u + 200u);
}

TEST(ProtobufWriterTest, DoublesAreLittleEndianIeee754) {
  ProtobufWriter w;
  w.Double(7, 1.5);
  EXPECT_EQ(Hex(w.bytes()), "39000000000000f83f");
}

TEST(ProtobufWriterTest, FieldNumbersOutOfRangeAreProgrammingErrors) {
  ProtobufWriter w;
  EXPECT_THROW(w.Varint(0, 1), std::invalid_argument);
  EXPECT_THROW(w.String(1 << 29, "x"), std::invalid_argument);
}

}  // namespace
}  // namespace sesame
