#pragma once
// What the console's sandboxes table needs of each Sandbox, for its first
// list: the fields it shows, filters and acts on (name, namespace, labels,
// creation and deletion times, provider, suspend, phase, the Ready
// condition's status, expiry, restarts, endpoints), in the API's own shape,
// so the page reads these and the watch stream's whole objects alike.
// 1,000 stored sandboxes are about 1 MB as whole objects and a fifth of that
// cut down; a browser that opens the console waits on that list first.

#include <string>
#include <string_view>

namespace sesame::controller::api {

// Appends to `out` the cut-down form of `object_json` (a Sandbox's JSON text
// as the API writes it); an object that is not JSON is appended whole.
void AppendConsoleRow(std::string_view object_json, std::string& out);

}  // namespace sesame::controller::api
