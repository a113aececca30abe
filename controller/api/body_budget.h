#pragma once
// Bounds on the request bodies the API holds in memory: each body at most
// `per_request` bytes, all bodies being read or handled together at most
// `total` bytes. Checked as the bytes arrive (sized and chunked bodies
// alike), so a refused body is never buffered past its limit.
//
// Thread safety: one BodyBudget is shared by every request; a BufferedBody
// belongs to one request.

#include <atomic>
#include <cstdint>
#include <string>

namespace sesame::controller::api {

class BodyBudget {
 public:
  // `held` counts the bytes of bodies held now, over all requests.
  BodyBudget(std::atomic<int64_t>& held, int64_t per_request, int64_t total)
      : per_request_(per_request), total_(total), held_(held) {}
  int64_t per_request() const { return per_request_; }
  int64_t total() const { return total_; }
  // Bytes of bodies held now, over all requests.
  int64_t held() const { return held_.load(); }

 private:
  friend class BufferedBody;
  const int64_t per_request_;
  const int64_t total_;
  std::atomic<int64_t>& held_;
};

// One request's body, read piece by piece; gives its bytes back to the
// budget on destruction.
class BufferedBody {
 public:
  enum class Refusal {
    kNone,
    kTooLarge,     // past the per-request limit: HTTP 413
    kServerFull,   // past the total: HTTP 503, retry later
  };

  explicit BufferedBody(BodyBudget& budget) : budget_(budget) {}
  ~BufferedBody();
  BufferedBody(const BufferedBody&) = delete;
  BufferedBody& operator=(const BufferedBody&) = delete;

  // Appends a piece; false (and refusal() set) when it would pass a limit,
  // in which case nothing of the piece is kept.
  bool Append(const char* data, size_t n);
  // Checks a declared Content-Length before any byte is read.
  bool Expect(int64_t length);
  Refusal refusal() const { return refusal_; }
  // The text, moved out (the bytes stay counted until destruction, as the
  // handler still holds them).
  std::string Take() { return std::move(text_); }

 private:
  BodyBudget& budget_;
  std::string text_;
  int64_t held_ = 0;
  Refusal refusal_ = Refusal::kNone;
};

}  // namespace sesame::controller::api
