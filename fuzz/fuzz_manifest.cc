// Manifest parsing as `sesame apply` and the API do it: YAML (both readers
// behind ParseManifests) and JSON, with validation and decoding. No input
// may crash, hang or leak; every Sandbox it accepts must decode, and its
// spec must survive encoding and decoding unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "specs/codec.h"
#include "specs/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sesame::specs;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ParsedManifests parsed = ParseManifests(text, "fuzz.yaml");
  (void)parsed.ErrorText();
  for (const Object& object : parsed.objects) {
    (void)ObjectToYaml(object);
    if (object.kind != kKindSandbox) continue;
    auto sandbox = DecodeSandbox(object, nullptr);
    if (!sandbox.ok()) __builtin_trap();  // validated objects always decode
    auto again = DecodeSandboxSpec(EncodeSandboxSpec(sandbox->spec));
    if (!again.ok() || !(*again == sandbox->spec)) __builtin_trap();
  }
  return 0;
}
