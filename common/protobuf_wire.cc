#include "common/protobuf_wire.h"

#include <cstring>
#include <stdexcept>

namespace sesame {

namespace {
constexpr int kWireVarint = 0;
constexpr int kWireFixed64 = 1;
constexpr int kWireLengthDelimited = 2;
}  // namespace

void ProtobufWriter::RawVarint(uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void ProtobufWriter::Tag(int field, int wire_type) {
  // Field numbers are 1 to 2^29-1; anything else is a programming error.
  if (field < 1 || field > (1 << 29) - 1) throw std::invalid_argument("protobuf field number out of range");
  RawVarint((static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(wire_type));
}

void ProtobufWriter::Varint(int field, int64_t value) {
  Tag(field, kWireVarint);
  RawVarint(static_cast<uint64_t>(value));
}

void ProtobufWriter::Bool(int field, bool value) { Varint(field, value ? 1 : 0); }

void ProtobufWriter::Double(int field, double value) {
  Tag(field, kWireFixed64);
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

void ProtobufWriter::String(int field, std::string_view value) {
  Tag(field, kWireLengthDelimited);
  RawVarint(value.size());
  out_.append(value);
}

void ProtobufWriter::Message(int field, const ProtobufWriter& message) { String(field, message.bytes()); }

}  // namespace sesame
