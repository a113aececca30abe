#pragma once
// Reading output.log back for Provider::Logs and Attach: filters (since,
// tail), timestamps on or off, and follow.

#include <functional>
#include <string>

#include "common/status.h"
#include "providers/provider.h"

namespace sesame::providers::filesystem {

// Sends the entries of the log at `path` to streams.on_stdout/on_stderr:
// partial entries are joined with what follows, and with
// options.timestamps each line starts with its RFC 3339 time. `tail`
// counts entries. With options.follow, keeps reading as the file grows until
// streams.cancelled() or `session_ended()` is true and the file is read to
// its end. A missing file is an empty log.
Status StreamLog(const std::string& path, const LogOptions& options, Streams& streams,
                 const std::function<bool()>& session_ended);

}  // namespace sesame::providers::filesystem
