#pragma once
// Mapping between an Object and a row of the `objects` table. Internal.

#include "common/status.h"
#include "specs/object.h"
#include "store/sqlite.h"

namespace sesame::store {

// The columns ObjectFromRow expects, in order, for SELECT statements.
#define SESAME_OBJECT_COLUMNS                                                          \
  "api_version, kind, namespace, name, uid, generation, resource_version, creation_ts, " \
  "deletion_ts, labels, annotations, finalizers, spec, status"

// Decodes the current row of a statement that selected SESAME_OBJECT_COLUMNS
// starting at column 0.
Result<specs::Object> ObjectFromRow(const Statement& row);

// Appends the API's JSON text of the current row (selected as for
// ObjectFromRow) to `out`, without decoding its JSON columns.
void ObjectJsonFromRow(const Statement& row, std::string& out);

// The JSON columns of a row, encoded once and kept alive while bound.
struct EncodedFields {
  std::string labels;
  std::string annotations;
  std::string finalizers;
};

// Binds parameters 1..15 of kInsertObjectSql (a new row: fails if the key
// exists) or kUpsertObjectSql (insert or replace) without copying: `object` and
// `fields` must outlive the statement's execution.
void BindObjectRow(Statement& stmt, const specs::Object& object, EncodedFields& fields);
extern const char kInsertObjectSql[];
extern const char kUpsertObjectSql[];

}  // namespace sesame::store
