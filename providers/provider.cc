#include "providers/provider.h"

#include <cstdio>
#include <stdexcept>
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

const char* ToString(PortPreviews p) {
  switch (p) {
    case PortPreviews::kNone: return "none";
    case PortPreviews::kLocalhost: return "localhost";
    case PortPreviews::kDynamic: return "dynamic";
    case PortPreviews::kDeclared: return "declared";
  }
  return "none";
}

const char* ToString(Persistence p) {
  switch (p) {
    case Persistence::kNone: return "none";
    case Persistence::kHostDirectory: return "hostDirectory";
    case Persistence::kVolume: return "volume";
    case Persistence::kUntilCleanup: return "untilCleanup";
  }
  return "none";
}

std::string EncodeCapabilities(const Capabilities& c) {
  nlohmann::json j = {{"osSecurity", c.os_security},
                      {"violationMonitoring", c.violation_monitoring},
                      {"stdin", c.stdin},
                      {"suspend", c.suspend},
                      {"ports", ToString(c.ports)},
                      {"persistence", ToString(c.persistence)},
                      {"fileOps", c.file_ops},
                      {"images", c.images},
                      {"resources", c.resources},
                      {"inPlaceFields", c.in_place_fields}};
  return j.dump();
}

void Registry::Register(std::unique_ptr<Provider> provider) {
  std::string name = provider->name();
  if (providers_.count(name)) {
    throw std::invalid_argument("provider \"" + name + "\" is registered twice");
  }
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


Status SecurityUnsupportedError(std::string message) {
  return TerminalError(std::move(message)).WithReason(specs::ToString(specs::Reason::kUnsupported));
}

bool IsSecurityUnsupported(const Status& s) {
  return s.code() == Code::kTerminal &&
         specs::ParseReason(s.reason()) == specs::Reason::kUnsupported;
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
