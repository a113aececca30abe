#include "providers/http/curl_library.h"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace sesame::libcurl {
namespace {

// The soname of Debian's libcurl4 (the ABI curl/curl.h describes).
constexpr const char* kSoname = "libcurl.so.4";

template <typename F>
void Resolve(void* library, const char* name, F& out) {
  void* symbol = dlsym(library, name);
  if (symbol == nullptr) {
    throw std::runtime_error(std::string(kSoname) + " has no " + name + ": install Debian's libcurl4");
  }
  out = reinterpret_cast<F>(symbol);
}

Api Open() {
  // Kept loaded for the life of the process; RTLD_LOCAL keeps its symbols
  // (and those of the libraries it pulls in) out of the global scope.
  void* library = dlopen(kSoname, RTLD_LAZY | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = dlerror();
    throw std::runtime_error(std::string("cannot load ") + kSoname + " (" + (why ? why : "?") +
                             "): install Debian's libcurl4");
  }
  Api api{};
  CURLcode (*global_init)(long) = nullptr;
  Resolve(library, "curl_global_init", global_init);
  Resolve(library, "curl_easy_init", api.easy_init);
  Resolve(library, "curl_easy_cleanup", api.easy_cleanup);
  Resolve(library, "curl_easy_reset", api.easy_reset);
  Resolve(library, "curl_easy_setopt", api.easy_setopt);
  Resolve(library, "curl_easy_getinfo", api.easy_getinfo);
  Resolve(library, "curl_easy_perform", api.easy_perform);
  Resolve(library, "curl_easy_strerror", api.easy_strerror);
  Resolve(library, "curl_slist_append", api.slist_append);
  Resolve(library, "curl_slist_free_all", api.slist_free_all);
  global_init(CURL_GLOBAL_DEFAULT);
  return api;
}

}  // namespace

const Api& Load() {
  static const Api api = Open();  // once, thread-safe; retried if it threw
  return api;
}

}  // namespace sesame::libcurl
