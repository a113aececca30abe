#include "web/assets.h"

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

}  // namespace sesame::web
