#pragma once
// libcurl, loaded when a transfer first needs it rather than when the
// binary starts. Linked at start, libcurl and the 25 libraries it pulls in
// (TLS, Kerberos, LDAP, SSH, IDN...) cost every `sesame` command several
// milliseconds of dynamic linking and library constructors (more under
// load), although most commands (get, apply, wait on the local store)
// never open a connection. Only HTTP code calls these; the functions and
// their arguments are libcurl's own (curl/curl.h documents them).
//
// A libcurl that cannot be loaded is an installation error (the package
// depends on libcurl4): the first use throws std::runtime_error naming it.
//
// Thread safety: every function may be called from any thread, as libcurl's.

#include <curl/curl.h>

namespace sesame::libcurl {

// libcurl's entry points, resolved once; curl_global_init has run.
struct Api {
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  void (*easy_reset)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  CURLcode (*easy_perform)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

// Loads libcurl on the first call (and runs curl_global_init once).
const Api& Load();

inline CURL* easy_init() { return Load().easy_init(); }
inline void easy_cleanup(CURL* h) { Load().easy_cleanup(h); }
inline void easy_reset(CURL* h) { Load().easy_reset(h); }
// One option per call, of the type libcurl documents for it (long,
// curl_off_t, a pointer or a callback), passed on as a direct call would.
template <typename T>
CURLcode easy_setopt(CURL* h, CURLoption option, T value) {
  return Load().easy_setopt(h, option, value);
}
template <typename T>
CURLcode easy_getinfo(CURL* h, CURLINFO info, T* out) {
  return Load().easy_getinfo(h, info, out);
}
inline CURLcode easy_perform(CURL* h) { return Load().easy_perform(h); }
inline const char* easy_strerror(CURLcode code) { return Load().easy_strerror(code); }
inline curl_slist* slist_append(curl_slist* list, const char* s) { return Load().slist_append(list, s); }
inline void slist_free_all(curl_slist* list) { Load().slist_free_all(list); }

}  // namespace sesame::libcurl
