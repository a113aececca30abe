#include "store/object_row.h"

#include "specs/object_json_text.h"

#include "store/json_fields.h"
#include "store/object_blob.h"

namespace sesame::store {

#define SESAME_INSERT_OBJECT                                                             \
  "INSERT INTO objects (kind, namespace, name, api_version, uid, generation, "             \
  "resource_version, creation_ts, deletion_ts, labels, annotations, finalizers, spec, "   \
  "status, applyset) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"

const char kInsertObjectSql[] = SESAME_INSERT_OBJECT;

const char kUpsertObjectSql[] =
    SESAME_INSERT_OBJECT
    " ON CONFLICT (kind, namespace, name) DO UPDATE SET api_version = excluded.api_version, "
    "uid = excluded.uid, generation = excluded.generation, "
    "resource_version = excluded.resource_version, creation_ts = excluded.creation_ts, "
    "deletion_ts = excluded.deletion_ts, labels = excluded.labels, "
    "annotations = excluded.annotations, finalizers = excluded.finalizers, "
    "spec = excluded.spec, status = excluded.status, applyset = excluded.applyset";

Result<specs::Object> ObjectFromRow(const Statement& row) {
  specs::Object o;
  o.api_version = row.Text(0);
  o.kind = row.Text(1);
  o.metadata.namespace_ = row.Text(2);
  o.metadata.name = row.Text(3);
  o.metadata.uid = row.Text(4);
  o.metadata.generation = row.Int(5);
  o.metadata.resource_version = row.Int(6);
  if (!row.IsNull(7)) o.metadata.creation_timestamp = FromMillis(row.Int(7));
  if (!row.IsNull(8)) o.metadata.deletion_timestamp = FromMillis(row.Int(8));
  Result<specs::StringMap> labels = DecodeStringMap(row.TextView(9));
  if (!labels.ok()) return labels.status();
  o.metadata.labels = std::move(*labels);
  Result<specs::StringMap> annotations = DecodeStringMap(row.TextView(10));
  if (!annotations.ok()) return annotations.status();
  o.metadata.annotations = std::move(*annotations);
  Result<std::vector<std::string>> finalizers = DecodeStringList(row.TextView(11));
  if (!finalizers.ok()) return finalizers.status();
  o.metadata.finalizers = std::move(*finalizers);
  o.spec = row.Text(12);
  o.status = row.Text(13);
  return o;
}

void ObjectJsonFromRow(const Statement& row, std::string& out) {
  specs::ObjectJsonParts p;
  p.api_version = row.TextView(0);
  p.kind = row.TextView(1);
  p.namespace_ = row.TextView(2);
  p.name = row.TextView(3);
  p.uid = row.TextView(4);
  p.generation = row.Int(5);
  p.resource_version = row.Int(6);
  if (!row.IsNull(7)) p.creation_timestamp = FromMillis(row.Int(7));
  if (!row.IsNull(8)) p.deletion_timestamp = FromMillis(row.Int(8));
  p.labels_json = row.TextView(9);
  p.annotations_json = row.TextView(10);
  p.finalizers_json = row.TextView(11);
  p.spec_json = row.TextView(12);
  p.status_json = row.TextView(13);
  specs::AppendObjectJson(out, p);
}

void BindObjectRow(Statement& stmt, const specs::Object& o, EncodedFields& fields) {
  stmt.BindStatic(1, o.kind);
  stmt.BindStatic(2, o.metadata.namespace_);
  stmt.BindStatic(3, o.metadata.name);
  stmt.BindStatic(4, o.api_version);
  stmt.BindStatic(5, o.metadata.uid);
  stmt.Bind(6, o.metadata.generation);
  stmt.Bind(7, o.metadata.resource_version);
  if (o.metadata.creation_timestamp) {
    stmt.Bind(8, ToMillis(*o.metadata.creation_timestamp));
  } else {
    stmt.BindNull(8);
  }
  if (o.metadata.deletion_timestamp) {
    stmt.Bind(9, ToMillis(*o.metadata.deletion_timestamp));
  } else {
    stmt.BindNull(9);
  }
  EncodeStringMap(o.metadata.labels, fields.labels);
  EncodeStringMap(o.metadata.annotations, fields.annotations);
  EncodeStringList(o.metadata.finalizers, fields.finalizers);
  stmt.BindStatic(10, fields.labels);
  stmt.BindStatic(11, fields.annotations);
  stmt.BindStatic(12, fields.finalizers);
  stmt.BindStatic(13, o.spec);
  stmt.BindStatic(14, o.status);
  auto applyset = o.metadata.annotations.find(specs::kApplysetAnnotation);
  stmt.BindStatic(15, applyset == o.metadata.annotations.end() ? std::string_view()
                                                         : std::string_view(applyset->second));
}

}  // namespace sesame::store
