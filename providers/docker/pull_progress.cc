#include "providers/docker/pull_progress.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

namespace sesame::providers::docker {

ImageRef ParseImageRef(const std::string& image) {
  if (image.find('@') != std::string::npos) return {image, ""};
  size_t slash = image.rfind('/');
  size_t colon = image.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    return {image.substr(0, colon), image.substr(colon + 1)};
  }
  return {image, "latest"};
}

void PullProgress::Feed(std::string_view data) {
  buffer_.append(data);
  size_t start = 0, nl;
  while ((nl = buffer_.find('\n', start)) != std::string::npos) {
    Line(std::string_view(buffer_).substr(start, nl - start));
    start = nl + 1;
  }
  buffer_.erase(0, start);
}

void PullProgress::Line(std::string_view line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return;
  if (j.contains("error") || j.contains("errorDetail")) {
    if (error_) return;
    std::string message;
    if (j.contains("errorDetail") && j["errorDetail"].is_object()) {
      message = j["errorDetail"].value("message", "");
    }
    if (message.empty() && j["error"].is_string()) message = j["error"].get<std::string>();
    error_ = message.empty() ? "the pull failed" : message;
    return;
  }
  std::string id = j.value("id", "");
  std::string status = j.value("status", "");
  if (id.empty() || status.starts_with("Pulling from")) return;
  Layer& layer = layers_[id];
  if (status == "Pull complete" || status == "Already exists" || status == "Download complete") {
    layer.done = layer.done || status != "Download complete";
    if (layer.total > 0) layer.current = layer.total;
  }
  if (status == "Downloading" && j.contains("progressDetail") && j["progressDetail"].is_object()) {
    layer.current = j["progressDetail"].value("current", int64_t{0});
    layer.total = j["progressDetail"].value("total", int64_t{0});
  }
}

std::string PullProgress::Summary() const {
  if (layers_.empty()) return "";
  int done = 0;
  int64_t current = 0, total = 0;
  for (const auto& [id, layer] : layers_) {
    done += layer.done ? 1 : 0;
    current += layer.current;
    total += layer.total;
  }
  char buf[128];
  std::snprintf(buf, sizeof buf, "%d/%zu layers, %.1f of %.1f MB", done, layers_.size(),
                static_cast<double>(current) / 1e6, static_cast<double>(total) / 1e6);
  return buf;
}

Status PullFailure(const std::string& image, const std::string& detail) {
  std::string message = "cannot pull image \"" + image + "\": " + detail;
  static const std::vector<std::string> kUnreachable = {
      "no such host", "dial tcp", "i/o timeout", "TLS handshake timeout", "connection refused",
      "connection reset", "network is unreachable", "Temporary failure", "Client.Timeout",
      "too many requests", "toomanyrequests", "503 Service Unavailable", "502 Bad Gateway"};
  for (const auto& s : kUnreachable) {
    if (detail.find(s) != std::string::npos) {
      return UnavailableError(message + " (the registry could not be reached; retrying)")
          .WithReason("ImagePullBackOff");
    }
  }
  static const std::vector<std::string> kMissing = {"not found", "does not exist",
                                                    "pull access denied", "manifest unknown",
                                                    "repository name must", "invalid reference"};
  for (const auto& s : kMissing) {
    if (detail.find(s) != std::string::npos) return TerminalError(message).WithReason("ImageNotFound");
  }
  return TerminalError(message).WithReason("ImagePullFailed");
}

}  // namespace sesame::providers::docker
