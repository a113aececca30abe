#pragma once
// Named points where a create can be cut short, for crash tests: when
// $SESAME_CRASH_POINT names the point, the process kills itself there with
// SIGKILL, exactly as `kill -9` at that instant would. Unset (always, in
// use), a point costs one cached lookup.
//
//   CrashPoint("docker.after-create");  // between create and start

namespace sesame {

void CrashPoint(const char* name);

}  // namespace sesame
