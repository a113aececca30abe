#include "web/assets.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace sesame::web {

// Defined in the generated web_assets_data.cc.
extern const Asset kAssets[];
extern const size_t kAssetCount;

const Asset* FindAsset(std::string_view path) {
  for (size_t i = 0; i < kAssetCount; ++i) {
    if (kAssets[i].path == path) return &kAssets[i];
  }
  return nullptr;
}

std::string_view AssetsId() {
  static const std::string id = [] {
    uint64_t h = 1469598103934665603ull;  // FNV-1a over every path and ETag
    for (size_t i = 0; i < kAssetCount; ++i) {
      for (std::string_view part : {kAssets[i].path, kAssets[i].etag}) {
        for (unsigned char c : part) h = (h ^ c) * 1099511628211ull;
      }
    }
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
    return std::string(text);
  }();
  return id;
}

}  // namespace sesame::web
