#pragma once
// Just enough of the tar format (POSIX ustar) for the Engine API's archive
// endpoints: PUT /containers/{id}/archive takes a tar to extract, GET
// returns one holding the requested path.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sesame::providers::docker {

struct TarEntry {
  std::string path;  // relative, "a/b/c.txt"; at most 255 bytes
  std::string content;
  unsigned mode = 0644;
  bool directory = false;
};

// The archive of `entries`, in order, with the two zero blocks at the end.
Result<std::string> WriteTar(const std::vector<TarEntry>& entries);

// The first entry of `tar` (pax and GNU long-name headers applied).
struct TarMember {
  std::string path;
  char type = '0';  // '0' file, '5' directory, '2' symlink, ...
  std::string link_target;
  std::string content;
};
Result<TarMember> ReadFirstTarMember(std::string_view tar);

}  // namespace sesame::providers::docker
