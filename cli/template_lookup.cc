#include "cli/template_lookup.h"

#include "cli/client.h"

namespace sesame::cli {

TemplateLookup FetchTemplates(Client& client, const std::string& ns) {
  auto templates = std::make_shared<std::vector<specs::Object>>();
  store::ListOptions options;
  options.kind = specs::kKindSandboxTemplate;
  options.namespace_ = ns;
  // Without templates the tables still print, showing the sandbox's own spec.
  if (auto list = client.List(options); list.ok()) *templates = std::move(list->items);
  return [templates](const std::string& tns, const std::string& name) -> const specs::Object* {
    for (const auto& t : *templates) {
      if (t.metadata.namespace_ == tns && t.metadata.name == name) return &t;
    }
    return nullptr;
  };
}

}  // namespace sesame::cli
