#pragma once
// Image pulls: the reference split into the query of POST /images/create,
// the progress stream read as it arrives (newline-delimited JSON objects;
// a failure after the 200 head arrives as an object with "error"), and the
// classification of pull failures.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sesame::providers::docker {

// "alpine" -> {"alpine", "latest"}; "localhost:5000/a/b:1" -> {"localhost:5000/a/b", "1"};
// "a@sha256:..." -> {"a@sha256:...", ""}.
struct ImageRef {
  std::string name;
  std::string tag;
};
ImageRef ParseImageRef(const std::string& image);

// Reads the pull stream. Not thread-safe.
class PullProgress {
 public:
  // Feeds a chunk of the stream (split anywhere).
  void Feed(std::string_view data);
  // The first error the stream reported.
  const std::optional<std::string>& error() const { return error_; }
  // "3/5 layers, 45.1 of 120.3 MB" (empty before any layer is known).
  std::string Summary() const;

 private:
  void Line(std::string_view line);

  struct Layer {
    int64_t current = 0, total = 0;
    bool done = false;
  };
  std::string buffer_;
  std::map<std::string, Layer> layers_;
  std::optional<std::string> error_;
};

// The Status for a failed pull of `image`: kUnavailable ("ImagePullBackOff")
// when the registry could not be reached, kTerminal ("ImageNotFound") when
// the image does not exist or is not accessible, kTerminal
// ("ImagePullFailed") otherwise. The message names the image.
Status PullFailure(const std::string& image, const std::string& detail);

}  // namespace sesame::providers::docker
