#include "security/admin_settings.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace sesame::security {

AdminSettings AdminSettingsFromEnv() {
  AdminSettings settings;
  const char* value = std::getenv("SANDBOX_SECURITY_ENABLED");
  if (value == nullptr) return settings;
  std::string v(value);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "false" || v == "0" || v == "no" || v == "off") settings.enabled = false;
  return settings;
}

}  // namespace sesame::security
