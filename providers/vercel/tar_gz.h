#pragma once
// A one-file tar.gz, as Vercel's fs/write expects: a ustar entry named by
// the path without its leading "/", gzip-compressed.

#include <string>

#include "common/status.h"

namespace sesame::providers::vercel {

Result<std::string> TarGzOneFile(const std::string& name, const std::string& content, int mode = 0644);

}  // namespace sesame::providers::vercel
