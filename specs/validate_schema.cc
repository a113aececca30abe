#include "specs/validate_schema.h"

#include <utility>

namespace sesame::specs {

namespace {

Schema Of(FieldType type, Rule rule = Rule::kNone) {
  Schema s;
  s.type = type;
  s.rule = rule;
  return s;
}

Schema Str(Rule rule = Rule::kNone) { return Of(FieldType::kString, rule); }

Schema Enum(std::vector<std::string> values) {
  Schema s = Of(FieldType::kEnum);
  s.values = std::move(values);
  return s;
}

Schema Int(int64_t min, int64_t max) {
  Schema s = Of(FieldType::kInt);
  s.min = min;
  s.max = max;
  return s;
}

Schema List(Schema item, Rule rule = Rule::kNone) {
  Schema s = Of(FieldType::kList, rule);
  s.item.push_back(std::move(item));
  return s;
}

Schema Obj(std::vector<Field> fields, Rule rule = Rule::kNone) {
  Schema s = Of(FieldType::kObject, rule);
  s.fields = std::move(fields);
  return s;
}

Schema Map(Rule key_rule, Rule value_rule) {
  Schema s = Of(FieldType::kStringMap, value_rule);
  s.key_rule = key_rule;
  return s;
}

constexpr int64_t kNoMax = std::numeric_limits<int64_t>::max();

Schema EnvSchema() {
  Schema entry = Obj({{"name", Str(Rule::kEnvName), true},
                      {"value", Str()},
                      {"valueFrom", Obj({{"hostEnv", Str(Rule::kEnvName), true}})}},
                     Rule::kEnvEntry);
  return List(std::move(entry), Rule::kUniqueEnvNames);
}

Schema SecuritySchema() {
  Schema paths = List(Str());
  return Obj({{"enabled", Of(FieldType::kBool)},
              {"filesystem", Obj({{"allowWrite", paths}, {"denyRead", paths},
                                  {"denyWrite", paths}})},
              {"network", Obj({{"allowedDomains", paths}, {"deniedDomains", paths}})}});
}

Schema BuildSpec(bool is_template) {
  std::vector<Field> fields = {
      {"provider", Enum({"filesystem", "docker", "e2b", "daytona", "vercel"})},
      {"image", Str()},
      {"runtime", Str()},
      {"agent", Str()},
      {"workspace", Obj({{"path", Str()}, {"mountPath", Str(Rule::kAbsolutePath)}})},
      {"command", List(Str())},
      {"env", EnvSchema()},
      {"stdin", Of(FieldType::kBool)},
      {"ports", List(Int(1, 65535), Rule::kUniquePorts)},
      {"resources", Obj({{"cpu", Of(FieldType::kQuantity)},
                         {"memory", Of(FieldType::kQuantity)},
                         {"disk", Of(FieldType::kQuantity)},
                         {"pids", Int(1, kNoMax)}})},
      {"lifetime", Obj({{"ttl", Of(FieldType::kDuration)},
                        {"idleTimeout", Of(FieldType::kDuration)},
                        {"expiresAt", Of(FieldType::kTime)}})},
      {"restartPolicy", Enum({"Never", "OnFailure", "Always"})},
      {"suspend", Of(FieldType::kBool)},
      {"persistence", Obj({{"volume", Str()}})},
      {"runtimes", Obj({{"mise", Enum({"auto", "off"})},
                        {"installDependencies", Of(FieldType::kBool)}})},
      {"security", SecuritySchema()},
      {"deletionPolicy", Enum({"Delete", "Orphan"})},
  };
  if (!is_template) fields.insert(fields.begin() + 1, {"templateRef", Str(Rule::kDns1123Label)});
  return Obj(std::move(fields));
}

}  // namespace

const Schema& MetadataSchema() {
  static const Schema schema = Obj({
      {"name", Str(Rule::kDns1123Label), true},
      {"namespace", Str(Rule::kDns1123Label)},
      {"labels", Map(Rule::kQualifiedName, Rule::kLabelValue)},
      {"annotations", Map(Rule::kQualifiedName, Rule::kNone)},
      {"uid", Str()},
      {"generation", Int(0, kNoMax)},
      {"resourceVersion", Of(FieldType::kAny, Rule::kResourceVersion)},
      {"creationTimestamp", Of(FieldType::kTime)},
      {"deletionTimestamp", Of(FieldType::kTime)},
      {"finalizers", List(Str())},
  });
  return schema;
}

const Schema& SpecSchema(bool is_template) {
  static const Schema sandbox = BuildSpec(false);
  static const Schema tmpl = BuildSpec(true);
  return is_template ? tmpl : sandbox;
}

const Field* FindField(const Schema& schema, const std::string& name) {
  for (const Field& f : schema.fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace sesame::specs
