#pragma once
// The administrator's sandbox-security settings, persisted in the store (as
// the "sandbox-security" setting) and shared by the controller, the CLI
// (`sesame security get|set`) and the API (`GET|PUT /admin/sandbox`).

#include <string>

#include "common/status.h"
#include "security/admin_settings.h"
#include "store/store.h"

namespace sesame::reconcilers {

inline constexpr char kSecuritySetting[] = "sandbox-security";

// The stored settings, or `defaults` (from SANDBOX_SECURITY_ENABLED) when
// none were ever set.
Result<security::AdminSettings> LoadAdminSettings(store::Store& store,
                                                  const security::AdminSettings& defaults);
Status SaveAdminSettings(store::Store& store, const security::AdminSettings& settings);

// Saves `after` and, when it differs from `before`, records the change as an
// event on every sandbox: a Warning when it turns sandbox security off.
Status ChangeAdminSettings(store::Store& store, const security::AdminSettings& before,
                           const security::AdminSettings& after, Time now);

// {"enabled":true,"allowedDomains":[...],"deniedDomains":[...],"denyRead":[...]}
std::string AdminSettingsToJson(const security::AdminSettings& settings);
// Fields that are absent keep their value from `base`; unknown fields and
// wrong types are kInvalid.
Result<security::AdminSettings> AdminSettingsFromJson(const std::string& json,
                                                      const security::AdminSettings& base);
// `KEY=VALUE` as `sesame security set` takes it: enabled=false,
// allowedDomains=a.com,b.com (empty clears), deniedDomains=..., denyRead=...
Status ApplyAdminSetting(const std::string& assignment, security::AdminSettings& settings);

}  // namespace sesame::reconcilers
