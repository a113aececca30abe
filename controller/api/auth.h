#pragma once
// Bearer tokens scoped to namespaces, from a token file of lines
// `TOKEN NAMESPACE...` (`*` for every namespace; `#` starts a comment).
// A namespace written `NAMESPACE:read` (`*:read`) grants reads only: the
// token may list, get and watch there, and gets 403 on every change.
// Tokens are compared in constant time and never logged.

#include <string>
#include <vector>

#include "common/status.h"

namespace sesame::controller::api {

class TokenTable {
 public:
  // Errors name the file and line, never the token.
  static Result<TokenTable> Load(const std::string& path);
  static Result<TokenTable> Parse(const std::string& text, const std::string& file);

  bool empty() const { return entries_.empty(); }

  enum class Decision { kAllowed, kUnauthenticated, kForbidden };
  // `ns` empty: the request spans namespaces (needs `*`). `write`: the
  // request changes something (anything but GET), which a `:read` grant
  // does not allow.
  Decision Authorize(const std::string& authorization_header, const std::string& ns,
                     bool write = true) const;

  struct Grant {
    std::string ns;  // "*" for every namespace
    bool write = true;
  };
  // The grants of the token in `authorization_header` ("Bearer TOKEN");
  // empty when the token is unknown.
  std::vector<Grant> GrantsOf(const std::string& authorization_header) const;

 private:
  struct Entry {
    std::string token;
    std::vector<Grant> grants;
  };
  const Entry* Find(const std::string& authorization_header) const;
  std::vector<Entry> entries_;
};

// Equal length and contents, in time that depends only on the lengths.
bool ConstantTimeEquals(const std::string& a, const std::string& b);

}  // namespace sesame::controller::api
