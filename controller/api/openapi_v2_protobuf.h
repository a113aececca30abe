#pragma once
// The OpenAPI v2 document in the protobuf form that kubectl asks for
// (`Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`):
// gnostic's `openapi.v2.Document` message (github.com/google/gnostic,
// openapiv2/OpenAPIv2.proto). Older kubectl (1.20, Debian's
// kubernetes-client) reads it to validate manifests on the client and for
// `explain`; it cannot read JSON there.

#include <string>

#include <nlohmann/json.hpp>

namespace sesame::controller::api {

// What kubectl asks for, and what answers it: Go's mime parser refuses the
// '@' in a Content-Type, so the answer spells it with a dot (as Kubernetes
// does).
inline constexpr char kOpenApiV2ProtobufAccept[] = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
inline constexpr char kOpenApiV2ProtobufType[] = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

// Encodes a Swagger 2.0 JSON document. Vendor extensions (`x-…`) become
// gnostic NamedAny entries whose value is YAML (JSON text is YAML), as
// gnostic writes them; JSON Schema keywords that v2 lacks (oneOf, anyOf)
// are left out, as gnostic does.
std::string OpenApiV2Protobuf(const nlohmann::json& document);

}  // namespace sesame::controller::api
