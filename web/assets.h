#pragma once
// The web console's files (web/ui), compiled into the binary. The
// controller's console routes serve them; nothing is read from disk.

#include <cstddef>
#include <string_view>

namespace sesame::web {

struct Asset {
  std::string_view path;          // "/app.js": relative to web/ui
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;
  std::string_view etag;          // a quoted strong validator: "\"3f2a...\""
};

// The file at `path` ("/index.html"), or null.
const Asset* FindAsset(std::string_view path);

}  // namespace sesame::web
