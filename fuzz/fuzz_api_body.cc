// The API's request bodies: an object to create or replace (JSON or YAML,
// read by ParseManifests as the server does) and a JSON merge patch
// (RFC 7386) applied to a stored Sandbox, then read again, as PATCH does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "specs/codec.h"
#include "specs/manifest.h"

namespace {

const char kStored[] = R"({"apiVersion":"sesame.dev/v1alpha1","kind":"Sandbox",
  "metadata":{"name":"web","namespace":"default","labels":{"app":"x"}},
  "spec":{"provider":"docker","image":"node:22","env":[{"name":"A","value":"1"}],
          "ports":[3000],"lifetime":{"ttl":"2h"}}})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using nlohmann::json;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  // POST / PUT.
  sesame::specs::ParsedManifests parsed = sesame::specs::ParseManifests(body, "<request>");
  for (const auto& o : parsed.objects) (void)sesame::specs::ObjectToJson(o, false);
  // PATCH.
  json patch = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (patch.is_discarded() || !patch.is_object()) return 0;
  json merged = json::parse(kStored);
  merged.merge_patch(patch);
  std::string text = merged.dump(-1, ' ', false, json::error_handler_t::replace);
  sesame::specs::ParsedManifests patched = sesame::specs::ParseManifests(text, "<request>");
  for (const auto& o : patched.objects) {
    auto sandbox = sesame::specs::DecodeSandbox(o, nullptr);
    if (o.kind == sesame::specs::kKindSandbox && !sandbox.ok()) __builtin_trap();
  }
  return 0;
}
