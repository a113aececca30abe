// Decoders fed every possible split of their input.

#include "providers/http/stream_decoders.h"

#include <gtest/gtest.h>

#include "providers/http/cloud_support.h"
#include "providers/http/http_client.h"

namespace sesame::providers::http {
namespace {

TEST(LineDecoderTest, EverySplitGivesTheSameLines) {
  std::string input = "{\"stream\":\"stdout\",\"data\":\"a\"}\r\n\n{\"x\":1}\npartial";
  for (size_t a = 0; a <= input.size(); ++a) {
    for (size_t b = a; b <= input.size(); ++b) {
      std::vector<std::string> lines;
      LineDecoder d([&](std::string_view l) { lines.emplace_back(l); });
      d.Feed(input.substr(0, a));
      d.Feed(input.substr(a, b - a));
      d.Feed(input.substr(b));
      d.Finish();
      ASSERT_EQ(lines, (std::vector<std::string>{"{\"stream\":\"stdout\",\"data\":\"a\"}", "", "{\"x\":1}",
                                                 "partial"}));
    }
  }
}

TEST(ConnectEnvelopeDecoderTest, EverySplitGivesTheSameMessages) {
  std::string input = ConnectEnvelope("{\"a\":1}") + ConnectEnvelope("") +
                      ConnectEnvelope("{}", ConnectEnvelopeDecoder::kEndStream);
  for (size_t a = 0; a <= input.size(); ++a) {
    for (size_t b = a; b <= input.size(); ++b) {
      std::vector<std::pair<int, std::string>> got;
      ConnectEnvelopeDecoder d([&](uint8_t f, std::string_view p) { got.emplace_back(f, p); });
      d.Feed(input.substr(0, a));
      d.Feed(input.substr(a, b - a));
      d.Feed(input.substr(b));
      ASSERT_EQ(got.size(), 3u);
      EXPECT_EQ(got[0].second, "{\"a\":1}");
      EXPECT_EQ(got[2].first, 2);
      EXPECT_EQ(d.pending(), 0u);
    }
  }
}

TEST(Base64Test, RoundTrips) {
  for (std::string s : {"", "a", "ab", "abc", "hello\nworld\x01\xff"}) {
    EXPECT_EQ(Base64Decode(Base64Encode(s)), s);
  }
  EXPECT_EQ(Base64Encode("hi\n"), "aGkK");
  EXPECT_FALSE(Base64Decode("a*b").has_value());
}

TEST(CloudSupportTest, FieldChangedAndSecretValues) {
  std::map<std::string, std::string> want = {{"image", "a"}, {"env", "b"}};
  std::map<std::string, std::string> have = {{"image", "a"}, {"env", "c"}};
  EXPECT_FALSE(FieldChanged(want, have, "image"));
  EXPECT_TRUE(FieldChanged(want, have, "env"));
  EXPECT_TRUE(FieldChanged(want, have, "ports"));  // unknown on both sides
  EXPECT_EQ(SecretValues({{"A", "x"}, {"B", "y"}}), (std::vector<std::string>{"x", "y"}));
}

TEST(CloudSupportTest, RecentlyAbsentIsTakenOnce) {
  RecentlyAbsent absent;
  EXPECT_FALSE(absent.Take("u1"));
  absent.Note("u1");
  EXPECT_TRUE(absent.Take("u1"));
  EXPECT_FALSE(absent.Take("u1"));  // forgotten once taken
}

TEST(CloudSupportTest, ShellQuotingAndHashes) {
  EXPECT_EQ(ShellJoin({"echo", "it's", "a b"}), "echo 'it'\\''s' 'a b'");
  std::map<std::string, std::string> h = {{"image", "01ab"}, {"env", "ff00"}};
  EXPECT_EQ(DecodeHashes(EncodeHashes(h)), h);
  EXPECT_EQ(DecodePorts(EncodePorts({3000, 8080})), (std::vector<int>{3000, 8080}));
  EXPECT_EQ(RedactSecrets("token abcdef and abcdef", {"abcdef"}), "token [REDACTED] and [REDACTED]");
}

}  // namespace
}  // namespace sesame::providers::http
