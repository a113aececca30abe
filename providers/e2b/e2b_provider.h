#pragma once
// The E2B provider: a sandbox is an E2B cloud VM created from a template
// (spec.image, default "base") through the REST API at api.e2b.app, and
// driven through envd, the daemon inside it (Connect protocol, JSON).
//
// Mapping: metadata carries the owner (sesame_uid, sesame_namespace,
// sesame_name, sesame_kind, sesame_managed=true), the field fingerprints
// and the ports; Create and Observe find a sandbox by its uid with the
// list endpoint's metadata filter. lifetime -> `timeout` (seconds; updated
// in place with POST /timeout); suspend -> pause, resume -> connect;
// delete -> kill; ports -> https://<port>-<id>.<domain> (any port, so a
// change is in place); resources come from the template (not settable).
// The session command runs under envd with its output kept in
// /tmp/.sesame/session.log (see providers/http/cloud_support.h).
// No stdin: Attach and stdin-open Exec are kUnsupported.
//
// Thread-safe (the contract in providers/provider.h).

#include <memory>
#include <string>

#include "providers/http/http_client.h"
#include "providers/provider.h"

namespace sesame::providers::e2b {

struct E2bOptions {
  std::string api_key;  // E2B_API_KEY; empty: every call fails with MissingCredentials
  std::string api_url = "https://api.e2b.app";  // E2B_API_URL
  // Where envd requests go; the sandbox is chosen by the E2b-Sandbox-Id and
  // E2b-Sandbox-Port headers. Empty: https://sandbox.<domain> for the
  // default API, or api_url itself when that was overridden (a local or
  // self-hosted endpoint that routes by those headers). E2B_ENVD_URL.
  std::string envd_url;
  std::string domain = "e2b.app";  // when the API gives none
  std::string user = "user";       // Linux user for commands and files
  long default_timeout_seconds = 3600;  // without spec.lifetime
  Millis exec_timeout{0};  // default Connect-Timeout-Ms for Exec; 0: none
  http::HttpOptions http;  // timeouts, retries, rate limit, log sink
  // This installation's id (common/installation_id.h), metadata
  // sesame_installation of every sandbox it creates; ListOwned (orphan
  // collection) lists only those. Empty: every sandbox with
  // sesame_managed=true (one installation per account).
  std::string installation;
};

// Reads E2B_API_KEY, E2B_API_URL and E2B_ENVD_URL.
E2bOptions E2bOptionsFromEnv();

std::unique_ptr<Provider> NewE2bProvider(E2bOptions options);

}  // namespace sesame::providers::e2b
