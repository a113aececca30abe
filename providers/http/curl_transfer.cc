#include "providers/http/curl_transfer.h"

#include <algorithm>
#include <cctype>

#include "providers/http/curl_library.h"

namespace sesame::providers::http {
namespace {

bool Cancelled(const CurlTransfer* t) { return t->cancelled != nullptr && *t->cancelled && (*t->cancelled)(); }

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<CurlTransfer*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    t->headers->clear();  // a new response (after 100 Continue or a redirect)
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  (*t->headers)[name] = std::string(value);
  return size * n;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<CurlTransfer*>(user);
  size_t len = size * n;
  if (Cancelled(t)) {
    t->cancelled_hit = true;
    return 0;  // aborts the transfer: CURLE_WRITE_ERROR
  }
  long code = 0;
  libcurl::easy_getinfo(static_cast<CURL*>(t->handle), CURLINFO_RESPONSE_CODE, &code);
  if (t->on_chunk != nullptr && *t->on_chunk && code >= 200 && code < 300) {
    t->delivered = true;
    if (!(*t->on_chunk)(std::string_view(data, len))) {
      t->stopped = true;
      return 0;
    }
    return len;
  }
  t->body->append(data, len);
  return len;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<CurlTransfer*>(user);
  if (!Cancelled(t)) return 0;
  t->cancelled_hit = true;
  return 1;
}

}  // namespace

void CurlTransfer::Install(void* curl) {
  handle = curl;
  libcurl::easy_setopt(static_cast<CURL*>(curl), CURLOPT_HEADERFUNCTION, OnHeader);
  libcurl::easy_setopt(static_cast<CURL*>(curl), CURLOPT_HEADERDATA, this);
  libcurl::easy_setopt(static_cast<CURL*>(curl), CURLOPT_WRITEFUNCTION, OnBody);
  libcurl::easy_setopt(static_cast<CURL*>(curl), CURLOPT_WRITEDATA, this);
  if (cancelled != nullptr && *cancelled) {
    libcurl::easy_setopt(static_cast<CURL*>(curl), CURLOPT_NOPROGRESS, 0L);
    libcurl::easy_setopt(static_cast<CURL*>(curl), CURLOPT_XFERINFOFUNCTION, OnProgress);
    libcurl::easy_setopt(static_cast<CURL*>(curl), CURLOPT_XFERINFODATA, this);
  }
}

}  // namespace sesame::providers::http
