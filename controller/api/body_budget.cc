#include "controller/api/body_budget.h"

namespace sesame::controller::api {

BufferedBody::~BufferedBody() { budget_.held_ -= held_; }

bool BufferedBody::Expect(int64_t length) {
  if (length > budget_.per_request_) {
    refusal_ = Refusal::kTooLarge;
    return false;
  }
  return true;
}

bool BufferedBody::Append(const char* data, size_t n) {
  auto size = static_cast<int64_t>(n);
  if (held_ + size > budget_.per_request_) {
    refusal_ = Refusal::kTooLarge;
    return false;
  }
  if (budget_.held_.fetch_add(size) + size > budget_.total_) {
    budget_.held_ -= size;
    refusal_ = Refusal::kServerFull;
    return false;
  }
  held_ += size;
  text_.append(data, n);
  return true;
}

}  // namespace sesame::controller::api
