#include "store/object_blob.h"

#include <cstdint>

namespace sesame::store {
namespace {

constexpr char kBlobVersion = 1;

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutInt(std::string& out, int64_t v) {  // zigzag, so small negatives stay small
  PutVarint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}

void PutOptionalTime(std::string& out, const std::optional<Time>& t) {
  out.push_back(t ? 1 : 0);
  if (t) PutInt(out, ToMillis(*t));
}

void PutMap(std::string& out, const specs::StringMap& map) {
  PutVarint(out, map.size());
  for (const auto& [key, value] : map) {
    PutString(out, key);
    PutString(out, value);
  }
}

// Reads fields in order; any overrun sets `ok_` to false and yields zeros.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  // True when every field was read and nothing is left over.
  bool done() const { return ok_ && pos_ == in_.size(); }
  bool good() const { return ok_; }

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return Fail();
      auto byte = static_cast<unsigned char>(in_[pos_++]);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    return Fail();
  }
  int64_t Int() {
    uint64_t v = Varint();
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  char Byte() {
    if (pos_ >= in_.size()) return static_cast<char>(Fail());
    return in_[pos_++];
  }
  std::string String() {
    uint64_t n = Varint();
    if (n > in_.size() - pos_) {
      Fail();
      return {};
    }
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::optional<Time> OptionalTime() {
    if (Byte() == 0) return std::nullopt;
    return FromMillis(Int());
  }
  specs::StringMap Map() {
    specs::StringMap map;
    for (uint64_t n = Varint(); ok_ && n > 0; --n) {
      std::string key = String();
      map[key] = String();
    }
    return map;
  }

 private:
  uint64_t Fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

int64_t ToMillis(Time t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}

Time FromMillis(int64_t ms) { return Time(std::chrono::duration_cast<Time::duration>(Millis(ms))); }

std::string EncodeObjectBlob(const specs::Object& o) {
  std::string out;
  EncodeObjectBlob(o, out);
  return out;
}

void EncodeObjectBlob(const specs::Object& o, std::string& out) {
  out.reserve(out.size() + 128 + o.spec.size() + o.status.size());
  out.push_back(kBlobVersion);
  PutString(out, o.api_version);
  PutString(out, o.kind);
  PutString(out, o.metadata.namespace_);
  PutString(out, o.metadata.name);
  PutString(out, o.metadata.uid);
  PutInt(out, o.metadata.generation);
  PutInt(out, o.metadata.resource_version);
  PutOptionalTime(out, o.metadata.creation_timestamp);
  PutOptionalTime(out, o.metadata.deletion_timestamp);
  PutMap(out, o.metadata.labels);
  PutMap(out, o.metadata.annotations);
  PutVarint(out, o.metadata.finalizers.size());
  for (const std::string& f : o.metadata.finalizers) PutString(out, f);
  PutString(out, o.spec);
  PutString(out, o.status);
}

Result<specs::Object> DecodeObjectBlob(std::string_view bytes) {
  Reader r(bytes);
  if (r.Byte() != kBlobVersion) return InternalError("change log record of unknown format");
  specs::Object o;
  o.api_version = r.String();
  o.kind = r.String();
  o.metadata.namespace_ = r.String();
  o.metadata.name = r.String();
  o.metadata.uid = r.String();
  o.metadata.generation = r.Int();
  o.metadata.resource_version = r.Int();
  o.metadata.creation_timestamp = r.OptionalTime();
  o.metadata.deletion_timestamp = r.OptionalTime();
  o.metadata.labels = r.Map();
  o.metadata.annotations = r.Map();
  for (uint64_t n = r.Varint(); r.good() && n > 0; --n) {
    o.metadata.finalizers.push_back(r.String());
  }
  o.spec = r.String();
  o.status = r.String();
  if (!r.done()) return InternalError("truncated change log record");
  return o;
}

}  // namespace sesame::store
