#include "providers/filesystem/violation_reader.h"

#include "providers/filesystem/state_file.h"

namespace sesame::providers::filesystem {

ViolationReader::ViolationReader(std::string state_root)
    : ViolationFileReader(std::move(state_root), [](const std::string& dir) {
        auto state = LoadState(dir);
        return state.ok() ? std::optional<specs::ObjectKey>(state->key) : std::nullopt;
      }) {}

}  // namespace sesame::providers::filesystem
