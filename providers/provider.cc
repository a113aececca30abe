#include "providers/provider.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/fingerprint.h"
#include "specs/codec.h"
#include "specs/spec_fields.h"

namespace sesame::providers {

const char* ToString(ResourceState s) {
  switch (s) {
    case ResourceState::kCreating: return "Creating";
    case ResourceState::kRunning: return "Running";
    case ResourceState::kSuspended: return "Suspended";
    case ResourceState::kExited: return "Exited";
    case ResourceState::kUnknown: return "Unknown";
  }
  return "Unknown";
}

void Registry::Register(std::unique_ptr<Provider> provider) {
  std::string name = provider->name();
  providers_[name] = std::move(provider);
}

Provider* Registry::Find(const std::string& name) const {
  auto it = providers_.find(name);
  return it == providers_.end() ? nullptr : it->second.get();
}

std::vector<Provider*> Registry::All() const {
  std::vector<Provider*> out;
  for (const auto& [name, p] : providers_) out.push_back(p.get());
  return out;
}


std::map<std::string, std::string> FieldHashes(const specs::SandboxSpec& spec) {
  // The fields the provider resource is made from (the table says which;
  // the others are the controller's business).
  // The encoded spec names hostEnv variables, never their values.
  nlohmann::json encoded = nlohmann::json::parse(specs::EncodeSandboxSpec(spec));
  std::map<std::string, std::string> out;
  for (const std::string& field : specs::ResourceFieldNames()) {
    auto it = encoded.find(field);
    out[field] = Fingerprint(it == encoded.end() ? "null" : it->dump());
  }
  return out;
}

}  // namespace sesame::providers
