#pragma once
// The administrator's sandbox-security settings (GET|PUT /admin/sandbox,
// `sesame security get|set`). They apply to new sandboxes at once and to
// running ones when they restart.

#include <string>
#include <vector>

namespace sesame::security {

struct AdminSettings {
  // False turns OS-level sandboxing off for every sandbox (loudly: the
  // SecurityEnforced condition says DisabledByAdmin).
  bool enabled = true;
  // Added to every sandbox's allow-list / deny-list (domain patterns).
  std::vector<std::string> allowed_domains;
  std::vector<std::string> denied_domains;
  // Extra paths no sandbox may read (absolute or ~/...).
  std::vector<std::string> deny_read;
  bool operator==(const AdminSettings&) const = default;
};

// The defaults with `enabled` from SANDBOX_SECURITY_ENABLED: only "false",
// "0", "no" and "off" (any case) turn security off.
AdminSettings AdminSettingsFromEnv();

}  // namespace sesame::security
