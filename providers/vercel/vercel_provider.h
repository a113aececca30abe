#pragma once
// The Vercel provider: a sandbox is a Vercel Sandbox microVM (REST API v1,
// /v1/sandboxes), driven with its command API (NDJSON log streaming) and
// file API (tar.gz writes).
//
// Idempotency without labels: v1 sandboxes carry no metadata, so ownership
// lives in a journal on the controller's disk, one file per uid
// (<state_dir>/<uid>.json: sandbox id, object key, fingerprints, ports,
// session command id; never env values). Create writes the intent (uid,
// time, shape) BEFORE it calls the API and the sandbox id right after. A
// controller that died between the two finds the intent on restart and
// adopts the one project sandbox created after the intent with the same
// runtime, vCPUs and timeout that no other journal entry claims; with
// none, or more than one, it creates afresh (a sandbox it could not claim
// is bounded by its own timeout: Vercel stops every sandbox when it ends).
// ListOwned lists the project and keeps the journal's sandboxes.
//
// Mapping: runtime -> runtime; resources.cpu -> vcpus (1 or even);
// lifetime -> timeout (ms; extended in place, never shortened); ports ->
// declared at creation (at most 4; a change recreates the sandbox, which
// the reconciler reports in its event); delete -> stop. No suspend (a
// stopped v1 sandbox cannot be restarted), no images, no stdin.
//
// Thread-safe (the contract in providers/provider.h).

#include <memory>
#include <string>

#include "providers/http/http_client.h"
#include "providers/provider.h"

namespace sesame::providers::vercel {

struct VercelOptions {
  std::string token;       // VERCEL_TOKEN
  std::string team_id;     // VERCEL_TEAM_ID; sent as ?teamId= on every request
  std::string project_id;  // VERCEL_PROJECT_ID
  std::string api_url = "https://api.vercel.com";  // VERCEL_API_URL
  // The ownership journal; VercelOptionsFromEnv: $SESAME_HOME/providers/vercel.
  std::string state_dir;
  long long default_timeout_ms = 45 * 60 * 1000;  // without spec.lifetime (Hobby's maximum)
  http::HttpOptions http;
};

// Reads VERCEL_TOKEN, VERCEL_TEAM_ID, VERCEL_PROJECT_ID, VERCEL_API_URL and
// SESAME_HOME (default ~/.sesame).
VercelOptions VercelOptionsFromEnv();

std::unique_ptr<Provider> NewVercelProvider(VercelOptions options);

}  // namespace sesame::providers::vercel
