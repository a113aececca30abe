#pragma once
// An event about an object, as the reconcilers record them: best effort
// (a failed write never blocks reconciliation), first and last time `now`.

#include <string>

#include "common/time.h"
#include "specs/object.h"
#include "store/store.h"

namespace sesame::reconcilers {

inline void RecordObjectEvent(store::Store& store, const specs::Object& object, bool warning,
                              const std::string& reason, const std::string& message, Time now) {
  store::Event e;
  e.object = specs::KeyOf(object);
  e.object_uid = object.metadata.uid;
  e.type = warning ? "Warning" : "Normal";
  e.reason = reason;
  e.message = message;
  e.first_timestamp = e.last_timestamp = now;
  (void)store.RecordEvent(e);
}

}  // namespace sesame::reconcilers
