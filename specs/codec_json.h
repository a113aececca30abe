#pragma once
// Typed specs from nlohmann::json values, for callers that already hold the
// value (the manifest reader) and need not print and parse it again.

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "specs/sandbox.h"

namespace sesame::specs {

// As DecodeSandboxSpec (specs/codec.h) on the text CompactJson(spec) prints,
// with the same errors, except that `spec` is never invalid JSON.
Result<SandboxSpec> DecodeSandboxSpecJson(const nlohmann::json& spec);

}  // namespace sesame::specs
