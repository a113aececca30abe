#include "providers/vercel/tar_gz.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <ctime>

namespace sesame::providers::vercel {

namespace {

std::string Tar(const std::string& name, const std::string& content, int mode) {
  char h[512];
  std::memset(h, 0, sizeof h);
  std::string n = name, prefix;
  if (n.size() > 99) {  // ustar: split at a '/' into prefix (155) and name (100)
    size_t cut = n.rfind('/', 155);
    if (cut != std::string::npos && n.size() - cut - 1 <= 99) {
      prefix = n.substr(0, cut);
      n = n.substr(cut + 1);
    }
  }
  std::snprintf(h, 100, "%s", n.c_str());
  std::snprintf(h + 100, 8, "%07o", mode);
  std::snprintf(h + 108, 8, "%07o", 0);
  std::snprintf(h + 116, 8, "%07o", 0);
  std::snprintf(h + 124, 12, "%011llo", static_cast<unsigned long long>(content.size()));
  std::snprintf(h + 136, 12, "%011llo", static_cast<unsigned long long>(std::time(nullptr)));
  h[156] = '0';
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  std::snprintf(h + 345, 155, "%s", prefix.c_str());
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(h + 148, 8, "%06o", sum);
  h[155] = ' ';
  std::string out(h, sizeof h);
  out += content;
  out.append((512 - content.size() % 512) % 512, '\0');
  out.append(1024, '\0');
  return out;
}

}  // namespace

Result<std::string> TarGzOneFile(const std::string& name, const std::string& content, int mode) {
  std::string tar = Tar(name, content, mode);
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return InternalError("vercel: gzip init failed");
  }
  std::string out(deflateBound(&zs, tar.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(tar.data());
  zs.avail_in = static_cast<uInt>(tar.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return InternalError("vercel: gzip failed");
  return out;
}

}  // namespace sesame::providers::vercel
