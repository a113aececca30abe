#pragma once
// Writes Protocol Buffers messages in the wire format (varints, 64-bit
// doubles, length-delimited strings and embedded messages), for the few
// places that answer a protobuf client without generated code: the caller
// knows the field numbers of its message and writes them in order.

#include <cstdint>
#include <string>
#include <string_view>

namespace sesame {

class ProtobufWriter {
 public:
  // int32, int64, uint64, enum (negative values take ten bytes, as in
  // protobuf's two's complement encoding).
  void Varint(int field, int64_t value);
  void Bool(int field, bool value);
  void Double(int field, double value);
  // string and bytes.
  void String(int field, std::string_view value);
  // An embedded message (written even when empty: presence is meaningful).
  void Message(int field, const ProtobufWriter& message);

  const std::string& bytes() const { return out_; }
  bool empty() const { return out_.empty(); }

 private:
  void Tag(int field, int wire_type);
  void RawVarint(uint64_t value);

  std::string out_;
};

}  // namespace sesame
