// What a sandboxed client sends the filtering proxy: the request head, the
// CONNECT authority or absolute URI in it, and the head rewritten for the
// origin (absolute-URI requests only; CONNECT is tunnelled). A destination it accepts must have a valid host and port, and the
// rewritten head must parse again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "security/proxy_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sesame::security;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto head = ParseRequestHead(text);
  (void)ParseAuthority(text, 443);
  (void)ParseAbsoluteUri(text);
  (void)ValidHostSyntax(text);
  if (!head) return 0;
  auto dest = head->method == "CONNECT" ? ParseAuthority(head->target)
                                        : ParseAbsoluteUri(head->target);
  if (!dest) return 0;
  if (dest->port < 1 || dest->port > 65535) __builtin_trap();
  if (head->method == "CONNECT") return 0;  // tunnelled as is, never rewritten
  std::string rewritten = RewriteForOrigin(*head, *dest);
  if (!ParseRequestHead(rewritten)) __builtin_trap();
  return 0;
}
