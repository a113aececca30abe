#pragma once
// The HTTP options the cloud provider tests give their clients: short
// backoff, a timeout a loaded machine still meets (tests of slow answers
// shorten it below their fake's delay), and every sleep and log line recorded instead of
// slept or printed, so tests can check Retry-After and that no secret is
// ever logged. Thread-safe.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "common/mutex.h"
#include "providers/http/http_client.h"

namespace sesame::fakes {

class HttpRecorder {
 public:
  Millis total_timeout{10000};

  void Configure(providers::http::HttpOptions& o) {
    o.total_timeout = total_timeout;
    o.initial_backoff = Millis(1);
    o.max_backoff = Millis(4);
    o.sleep = [this](Millis d) {
      MutexLock lock(mu_);
      sleeps_.push_back(d);
    };
    o.log = [this](std::string_view line) {
      MutexLock lock(mu_);
      logs_.emplace_back(line);
    };
  }

  bool Slept(Millis d) {
    MutexLock lock(mu_);
    return std::find(sleeps_.begin(), sleeps_.end(), d) != sleeps_.end();
  }

  // A failure for every log line that contains one of `secrets`.
  void ExpectNotLogged(const std::vector<std::string>& secrets) {
    MutexLock lock(mu_);
    for (const auto& line : logs_) {
      for (const auto& s : secrets) EXPECT_EQ(line.find(s), std::string::npos) << line;
    }
  }

 private:
  Mutex mu_;
  std::vector<Millis> sleeps_ GUARDED_BY(mu_);
  std::vector<std::string> logs_ GUARDED_BY(mu_);
};

}  // namespace sesame::fakes
