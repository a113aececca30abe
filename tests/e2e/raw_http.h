#pragma once
// A bare HTTP/1.1 client over one TCP connection, for tests that need what
// ordinary clients hide: a body sent in pieces and held half sent, a
// chunked body that never ends, a connection dropped mid-request.

#include <string>

#include "common/unique_fd.h"

namespace sesame::e2e {

class RawHttp {
 public:
  // Connects to 127.0.0.1:port (port from a URL "http://127.0.0.1:N").
  explicit RawHttp(const std::string& url);
  bool connected() const { return fd_.valid(); }
  // Sends everything; false when the server closed or reset the connection.
  bool Send(const std::string& data);
  // Whether a response (or the end of the connection) is waiting.
  bool Readable();
  // Reads until the response's headers and `Content-Length` bytes of body
  // have arrived, or the connection ends, or 60 s pass; "" when nothing.
  std::string ReadResponse();
  // Reads (a stream, say) until what came contains `needle`, or the
  // connection ends, or 60 s pass without a byte; returns what came.
  std::string ReadUntil(const std::string& needle);
  // Sends a chunked body of `chunk`-sized pieces until the server answers
  // or refuses more, or `max_bytes` are sent; returns the bytes sent.
  size_t SendChunksUntilAnswered(size_t chunk, size_t max_bytes);
  void Close() { fd_.Reset(); }

 private:
  UniqueFd fd_;
};

// The status code of a response's first line (0 when none).
int StatusOf(const std::string& response);
// The body after the blank line.
std::string BodyOf(const std::string& response);
// A header's value, "" when absent (name matched case-insensitively).
std::string HeaderOf(const std::string& response, const std::string& name);

}  // namespace sesame::e2e
