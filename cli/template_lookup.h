#pragma once
// Finding the SandboxTemplate a Sandbox names, so that tables and describe
// show the effective spec (template merged).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "specs/object.h"

namespace sesame::cli {

class Client;

// Returns the template, or nullptr when it does not exist.
using TemplateLookup =
    std::function<const specs::Object*(const std::string& ns, const std::string& name)>;

// Lists the templates of `ns` (all namespaces when empty) once; the lookup
// keeps them alive.
TemplateLookup FetchTemplates(Client& client, const std::string& ns);

}  // namespace sesame::cli
