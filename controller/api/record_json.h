#pragma once
// Events and violations as the API serves them, and `sesame get -o json`
// prints them.

#include <string>

#include "store/store.h"

namespace sesame::controller::api {

// {"id","sandbox":{"namespace","name","uid"},"time","kind","operation","target","rule"}
std::string ViolationToJson(const store::Violation& v);
// {"kind":"Event","involvedObject":{...},"type","reason","message","count","firstTimestamp","lastTimestamp"}
std::string EventToJson(const store::Event& e);

}  // namespace sesame::controller::api
