// Typed specs <-> JSON, field by field as the table in specs/spec_fields.h
// says. Decoding trusts nothing: stored text may come from an older
// version, so every mismatch is an error, not a crash.

#include "specs/codec.h"

#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "specs/codec_json.h"
#include "specs/json_writer.h"
#include "specs/object_json.h"
#include "specs/spec_fields.h"

namespace sesame::specs {

namespace {

using nlohmann::json;

SandboxSpec DecodeSpecJson(const json& j) {
  if (!j.is_object()) throw std::runtime_error("the spec is not an object");
  SandboxSpec s;
  for (const SpecField& f : SpecFields()) f.decode(j, s);
  return s;
}

// Runs a decoder, turning every exception into an Invalid status.
template <typename T, typename F>
Result<T> Decode(const json& j, const char* what, F decode) {
  try {
    return decode(j);
  } catch (const std::exception& e) {
    return InvalidError(std::string(what) + ": " + e.what());
  }
}

template <typename T, typename F>
Result<T> Guarded(std::string_view text, const char* what, F decode) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidError(std::string(what) + " is not valid JSON");
  return Decode<T>(j, what, decode);
}

}  // namespace

Result<SandboxSpec> DecodeSandboxSpec(std::string_view spec_json) {
  return Guarded<SandboxSpec>(spec_json, "spec", DecodeSpecJson);
}

// Each field writes itself (specs/spec_fields.cc): scalars with a default
// always, empty strings, lists and absent optionals not, which decodes to
// the same spec. Keys go in sorted order.
std::string EncodeSandboxSpec(const SandboxSpec& s) {
  JsonWriter w;
  w.BeginObject();
  for (const SpecField* f : SpecFieldsByName()) f->encode(s, w);
  w.EndObject();
  return w.Take();
}

Result<SandboxSpec> DecodeSandboxSpecJson(const json& spec) {
  return Decode<SandboxSpec>(spec, "spec", DecodeSpecJson);
}

std::string CanonicalJson(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? std::string(text) : CompactJson(j);
}

}  // namespace sesame::specs
