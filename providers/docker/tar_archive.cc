#include "providers/docker/tar_archive.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace sesame::providers::docker {
namespace {

constexpr size_t kBlock = 512;

// `value` as width-1 octal digits and a NUL.
void Octal(char* field, size_t width, uint64_t value) {
  for (size_t i = width - 1; i-- > 0; value >>= 3) field[i] = static_cast<char>('0' + (value & 7));
  field[width - 1] = '\0';
}

size_t Padded(size_t n) { return (n + kBlock - 1) / kBlock * kBlock; }

uint64_t ParseNumber(const char* field, size_t width) {
  const auto* u = reinterpret_cast<const unsigned char*>(field);
  if (u[0] & 0x80) {  // base-256 for large values
    uint64_t v = 0;
    for (size_t i = 1; i < width; ++i) v = (v << 8) | u[i];
    return v;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < width && field[i] >= '0' && field[i] <= '7'; ++i) v = v * 8 + (field[i] - '0');
  return v;
}

std::string Field(const char* field, size_t width) { return std::string(field, strnlen(field, width)); }

// The value of `key` in a pax extended header body ("LEN key=value\n"...).
std::string PaxValue(std::string_view body, std::string_view key) {
  size_t pos = 0;
  while (pos < body.size()) {
    size_t space = body.find(' ', pos);
    if (space == std::string_view::npos) break;
    size_t len = std::strtoul(std::string(body.substr(pos, space - pos)).c_str(), nullptr, 10);
    if (len == 0 || pos + len > body.size()) break;
    std::string_view record = body.substr(space + 1, pos + len - space - 2);
    size_t eq = record.find('=');
    if (eq != std::string_view::npos && record.substr(0, eq) == key) {
      return std::string(record.substr(eq + 1));
    }
    pos += len;
  }
  return "";
}


// One header block for `path` (at most 100 bytes: longer paths go in a
// pax header before it).
std::string Header(const std::string& path, char type, uint64_t size, unsigned mode) {
  char h[kBlock] = {};
  std::memcpy(h, path.data(), std::min<size_t>(path.size(), 100));
  Octal(h + 100, 8, mode);
  Octal(h + 108, 8, 0);
  Octal(h + 116, 8, 0);
  Octal(h + 124, 12, size);
  Octal(h + 136, 12, static_cast<uint64_t>(std::time(nullptr)));
  h[156] = type;
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  Octal(h + 148, 7, sum);
  return std::string(h, kBlock);
}

// A pax record "LEN path=VALUE\n", LEN counting itself.
std::string PaxRecord(const std::string& key, const std::string& value) {
  std::string body = " " + key + "=" + value + "\n";
  size_t len = body.size() + 1;
  while (std::to_string(len).size() + body.size() != len) ++len;
  return std::to_string(len) + body;
}

void AppendData(std::string& out, const std::string& data) {
  out.append(data);
  out.append(Padded(data.size()) - data.size(), '\0');
}

}  // namespace

Result<std::string> WriteTar(const std::vector<TarEntry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    std::string path = e.directory && !e.path.ends_with("/") ? e.path + "/" : e.path;
    if (path.empty()) return InvalidError("a tar entry needs a path");
    if (path.size() > 100) {
      std::string pax = PaxRecord("path", path);
      out += Header("PaxHeaders/entry", 'x', pax.size(), 0644);
      AppendData(out, pax);
    }
    out += Header(path, e.directory ? '5' : '0', e.directory ? 0 : e.content.size(), e.mode);
    if (!e.directory) AppendData(out, e.content);
  }
  out.append(2 * kBlock, '\0');
  return out;
}

Result<TarMember> ReadFirstTarMember(std::string_view tar) {
  size_t pos = 0;
  std::string long_name, long_link;
  while (pos + kBlock <= tar.size()) {
    const char* h = tar.data() + pos;
    if (h[0] == '\0') break;  // end of archive
    uint64_t size = ParseNumber(h + 124, 12);
    char type = h[156];
    if (pos + kBlock + size > tar.size()) return InternalError("truncated tar archive");
    std::string_view body = tar.substr(pos + kBlock, size);
    pos += kBlock + Padded(size);
    if (type == 'x') {
      long_name = PaxValue(body, "path");
      long_link = PaxValue(body, "linkpath");
      continue;
    }
    if (type == 'g') continue;
    if (type == 'L') {
      long_name = Field(body.data(), body.size());
      continue;
    }
    if (type == 'K') {
      long_link = Field(body.data(), body.size());
      continue;
    }
    TarMember m;
    std::string prefix = Field(h + 345, 155);
    m.path = !long_name.empty() ? long_name : (prefix.empty() ? "" : prefix + "/") + Field(h, 100);
    m.type = type == '\0' ? '0' : type;
    m.link_target = !long_link.empty() ? long_link : Field(h + 157, 100);
    if (m.type == '0' || m.type == '7') m.content = std::string(body);
    return m;
  }
  return NotFoundError("empty tar archive");
}

}  // namespace sesame::providers::docker
