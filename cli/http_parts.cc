#include "cli/http_parts.h"

namespace sesame::cli {

HttpParts LinkedHttpParts() { return {NewRemoteClient, RunUp, RunController}; }

}  // namespace sesame::cli
