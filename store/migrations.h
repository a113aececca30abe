#pragma once
// The database schema and its migrations, recorded in `schema_version`.
// Internal to store/.

#include "common/status.h"
#include "store/sqlite.h"

namespace sesame::store {

// Brings the schema up to kSchemaVersion inside one IMMEDIATE transaction
// (two processes opening a fresh file race safely: the second one sees the
// version the first wrote). A database newer than this binary is refused
// with kTerminal, since writing to it could corrupt what a newer sesame keeps.
Status Migrate(Database& db);

}  // namespace sesame::store
