#include "controller/api/record_json.h"

#include <nlohmann/json.hpp>

#include "common/time.h"

namespace sesame::controller::api {

using nlohmann::json;

std::string ViolationToJson(const store::Violation& v) {
  return json{{"id", v.id},
              {"sandbox", {{"namespace", v.sandbox.namespace_}, {"name", v.sandbox.name}, {"uid", v.sandbox_uid}}},
              {"time", FormatTime(v.time, true)},
              {"kind", v.kind},
              {"operation", v.operation},
              {"target", v.target},
              {"rule", v.rule}}
      .dump();
}

std::string EventToJson(const store::Event& e) {
  return json{{"kind", "Event"},
              {"involvedObject",
               {{"kind", e.object.kind}, {"namespace", e.object.namespace_}, {"name", e.object.name},
                {"uid", e.object_uid}}},
              {"type", e.type},
              {"reason", e.reason},
              {"message", e.message},
              {"count", e.count},
              {"firstTimestamp", FormatTime(e.first_timestamp, true)},
              {"lastTimestamp", FormatTime(e.last_timestamp, true)}}
      .dump();
}

}  // namespace sesame::controller::api
