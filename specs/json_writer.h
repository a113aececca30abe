#pragma once
// Canonical JSON text written directly, as CompactJson (specs/object_json.h)
// would print the same value, without building one. Members must be written
// in sorted key order (nlohmann's objects are std::maps).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sesame::specs {

class JsonWriter {
 public:
  JsonWriter() { out_.reserve(512); }
  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key) {
    Separate();
    out_ += '"';
    out_.append(key);
    out_ += "\":";
    first_ = true;
  }
  void String(std::string_view s);
  void Int(int64_t v) { Value(std::to_string(v)); }
  void Bool(bool b) { Value(b ? "true" : "false"); }
  void Strings(const std::vector<std::string>& items) {
    BeginArray();
    for (const std::string& s : items) String(s);
    EndArray();
  }
  std::string Take() { return std::move(out_); }

 private:
  void Separate() {
    if (!first_) out_ += ',';
  }
  void Open(char c) {
    Separate();
    out_ += c;
    first_ = true;
  }
  void Close(char c) {
    out_ += c;
    first_ = false;
  }
  void Value(std::string_view text) {
    Separate();
    out_.append(text);
    first_ = false;
  }

  std::string out_;
  bool first_ = true;  // no comma before the next member or item
};

}  // namespace sesame::specs
