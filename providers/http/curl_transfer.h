#pragma once
// The libcurl callbacks of one transfer, shared by the cloud providers'
// HTTP client and the Docker engine client: response headers into a map
// (names lower-cased, reset by each new status line), the body appended or,
// when the answer is 2xx and a chunk callback is given, handed over piece by
// piece, and cancellation checked while the transfer runs. Kept free of
// <curl/curl.h>: the handle is passed as void*. libcurl is reached through
// curl_library.h (loaded on first use).

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace sesame::providers::http {

struct CurlTransfer {
  // Where the answer goes; both must outlive the transfer.
  std::map<std::string, std::string>* headers = nullptr;
  std::string* body = nullptr;
  // Optional: a 2xx body goes here instead of `body`; false stops reading.
  const std::function<bool(std::string_view)>* on_chunk = nullptr;
  // Optional: true aborts the transfer.
  const std::function<bool()>* cancelled = nullptr;

  bool delivered = false;      // a chunk reached on_chunk
  bool stopped = false;        // on_chunk asked to stop (CURLE_WRITE_ERROR follows)
  bool cancelled_hit = false;  // `cancelled` said so (CURLE_ABORTED_BY_CALLBACK or WRITE_ERROR)

  // Installs this transfer's header, body and progress callbacks on the
  // easy handle `curl`; the transfer must stay where it is until the
  // perform returns.
  void Install(void* curl);

  // Set by Install: the easy handle the callbacks read the status from.
  void* handle = nullptr;
};

}  // namespace sesame::providers::http
