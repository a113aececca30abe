#pragma once
// The Daytona provider: a sandbox is a Daytona sandbox made through the REST
// API (app.daytona.io/api) and driven through its toolbox daemon.
//
// Mapping: spec.image "snapshot:NAME" creates from that snapshot; any other
// image is built ("FROM <image>"); no image takes the server's default
// snapshot. resources -> cpu (cores), memory and disk (GB, rounded up),
// only when building from an image (the API rejects them with a snapshot:
// that is a validation error before any call); runtime -> the
// code-toolbox-language label (python, typescript, javascript);
// lifetime.idleTimeout -> autoStopInterval (minutes; 0 = off); labels
// carry the owner (sesame.uid, sesame.managed, sesame.namespace,
// sesame.name, sesame.kind), the field fingerprints and the ports.
// suspend -> stop, resume -> start, delete -> DELETE. In place: lifetime
// (autostop), resources (resize: disk only grows), ports (preview links
// are dynamic); labels are replaced after each update. Exec runs through a
// toolbox session whose output is polled (the streaming log endpoint is a
// WebSocket, which this client does not speak). No stdin.
//
// Thread-safe (the contract in providers/provider.h).

#include <memory>
#include <string>

#include "providers/http/http_client.h"
#include "providers/provider.h"

namespace sesame::providers::daytona {

struct DaytonaOptions {
  std::string api_key;                            // DAYTONA_API_KEY
  std::string api_url = "https://app.daytona.io/api";  // DAYTONA_API_URL
  std::string target;                             // region (DAYTONA_TARGET); empty: the default
  std::string sdk_version = "0.190.0";  // X-Daytona-SDK-Version (the daemon's log format follows it)
  Millis poll_interval{250};            // exec and follow-logs polling
  // This installation's id (common/installation_id.h), label
  // sesame.installation on every sandbox it creates; ListOwned (orphan
  // collection) lists only those. Empty: every sandbox labelled
  // sesame.managed (one installation per account).
  std::string installation;
  http::HttpOptions http;
};

// Reads DAYTONA_API_KEY, DAYTONA_API_URL and DAYTONA_TARGET.
DaytonaOptions DaytonaOptionsFromEnv();

std::unique_ptr<Provider> NewDaytonaProvider(DaytonaOptions options);

}  // namespace sesame::providers::daytona
