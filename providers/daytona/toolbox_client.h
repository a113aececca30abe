#pragma once
// Calls to the Daytona toolbox daemon of one sandbox (base URL
// <toolboxProxyUrl>/<sandboxId>): sessions with async commands whose logs
// are polled, the one-shot execute, and files.

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "providers/http/http_client.h"
#include "providers/provider.h"

namespace sesame::providers::daytona {

// {"statusCode":..,"message":..,"error"|"code":..} -> Status.
Status DaytonaError(const http::HttpClient& client, const http::Response& r, const std::string& what,
                    const std::vector<std::string>& secrets = {});

class ToolboxClient {
 public:
  ToolboxClient(http::HttpClient& http, std::string base_url, Millis poll_interval,
                std::function<void(Millis)> sleep)
      : http_(http), base_(std::move(base_url)), poll_(poll_interval), sleep_(std::move(sleep)) {}

  // POST /process/execute; returns once the shell has run `command` (use
  // "nohup ... &" for background work).
  Status Execute(const std::string& command);
  // A session command with its output polled into `streams`; exit code.
  Result<int> Run(const std::string& command, Streams& streams, std::optional<Millis> timeout,
                  const std::vector<std::string>& secrets);
  // 404 -> kNotFound.
  Result<std::string> Download(const std::string& path);
  Status Upload(const std::string& path, const std::string& content);

 private:
  Result<http::Response> Call(const std::string& method, const std::string& path,
                              const std::string& body, const std::string& content_type = "application/json",
                              bool idempotent = true);

  http::HttpClient& http_;
  std::string base_;
  Millis poll_;
  std::function<void(Millis)> sleep_;
};

}  // namespace sesame::providers::daytona
