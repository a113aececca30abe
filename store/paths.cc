// Where the embedded store lives by default.

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "store/store.h"

namespace sesame::store {

std::string DefaultHome() {
  const char* home = std::getenv("SESAME_HOME");
  if (home != nullptr && *home != '\0') return home;
  const char* user_home = std::getenv("HOME");
  if (user_home == nullptr || *user_home == '\0') {
    // Daemons started without HOME (systemd units, cron) still find the
    // user's store through the password database.
    const passwd* pw = getpwuid(getuid());
    user_home = pw != nullptr ? pw->pw_dir : "/tmp";
  }
  return std::string(user_home) + "/.sesame";
}

std::string DefaultDatabasePath() { return DefaultHome() + "/state.db"; }

}  // namespace sesame::store
