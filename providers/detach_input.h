#pragma once
// Attach ends when its input does: `echo hi | sesame attach NAME` and
// Ctrl-D in a terminal detach (exit 0) while the session goes on running.
// Providers' Attach returns when streams.cancelled() says so; this wraps a
// caller's Streams so that it does once read_stdin has reported the end of
// input and the output has had `linger` more to show the session's answer
// to the last input.

#include "common/time.h"
#include "providers/provider.h"

namespace sesame::providers {

inline constexpr Millis kDetachLinger(300);

Streams DetachAtEndOfInput(Streams streams, Millis linger = kDetachLinger);

}  // namespace sesame::providers
