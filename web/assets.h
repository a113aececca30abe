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

// Names this set of files: 16 hex digits derived from every file's ETag, so
// it changes whenever any file does. The console serves its files under it
// (/console/assets/ID/app.js) and lets browsers cache them for good.
std::string_view AssetsId();

}  // namespace sesame::web
