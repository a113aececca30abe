#pragma once
// Where sesame's helper binaries (`sesame-full`, `sesame-supervisor`) are:
// in an installation, in the libexec directory (`bin/sesame` finds
// `libexec/sesame/sesame-full`); in a build tree, beside the binary that
// asks. Only `sesame` itself belongs on PATH.

#include <string>

namespace sesame {

// This process's executable ("" when /proc cannot say).
std::string SelfExecutablePath();

// The helper `name` for the binary at `self`: the libexec one when it is
// executable, else the one beside `self` when it is, else (missing
// everywhere) the libexec path, for the message that says so.
std::string HelperBinaryPath(const std::string& self, const std::string& name);

}  // namespace sesame
