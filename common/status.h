#pragma once
// Errors as values: a Status says whether an operation worked and, if not,
// what kind of failure it was; Result<T> carries either a value or a Status.
// The error codes map to CLI exit codes and HTTP status codes in one place
// each (cli/exit_codes.h, controller/http_errors.h).

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace sesame {

enum class Code {
  kOk = 0,
  kInvalid,          // bad user input: manifest, flag, selector (exit 2, HTTP 400/422)
  kNotFound,         // HTTP 404
  kAlreadyExists,    // HTTP 409
  kConflict,         // stale resourceVersion (HTTP 409)
  kUnavailable,      // transient: retry with backoff (HTTP 503)
  kRateLimited,      // transient, with a retry hint (HTTP 429)
  kTerminal,         // permanent failure: do not retry
  kUnsupported,      // the platform or provider cannot do this
  kPermissionDenied, // HTTP 403
  kInternal,         // a bug or an environment failure (HTTP 500)
};

const char* CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "Conflict: the object was modified..." for logs.
  std::string ToString() const;

  // Retry hint in milliseconds (from a Retry-After header, for instance).
  std::optional<long> retry_after_ms() const { return retry_after_ms_; }
  Status& WithRetryAfterMs(long ms) { retry_after_ms_ = ms; return *this; }

  // A CamelCase reason for conditions and events ("MissingCredentials",
  // "ImageNotFound"); empty: the caller names the failure itself.
  const std::string& reason() const { return reason_; }
  Status& WithReason(std::string reason) { reason_ = std::move(reason); return *this; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::optional<long> retry_after_ms_;
  std::string reason_;
};

inline Status InvalidError(std::string m) { return {Code::kInvalid, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status ConflictError(std::string m) { return {Code::kConflict, std::move(m)}; }
inline Status InternalError(std::string m) { return {Code::kInternal, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status TerminalError(std::string m) { return {Code::kTerminal, std::move(m)}; }
inline Status UnsupportedError(std::string m) { return {Code::kUnsupported, std::move(m)}; }

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}   // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace sesame

// Returns early from the calling function when `expr` yields a failed Status.
#define SESAME_RETURN_IF_ERROR(expr)          \
  do {                                        \
    ::sesame::Status sesame_status_ = (expr); \
    if (!sesame_status_.ok()) return sesame_status_; \
  } while (0)
