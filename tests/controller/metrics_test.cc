// The metrics registry's text format, and the log line formats.
#include "controller/metrics.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "common/logging.h"

namespace sesame::controller {
namespace {

TEST(MetricsTest, CountersRenderWithHelpTypeAndEscapedLabels) {
  Metrics metrics;
  Counter& c = metrics.AddCounter("x_total", "Things.", {"kind"});
  c.Add({"a"});
  c.Add({"a"}, 2);
  c.Add({"say \"hi\"\\n"});
  c.Add({"too", "many"});  // wrong label count: ignored
  EXPECT_EQ(metrics.Render(),
            "# HELP x_total Things.\n"
            "# TYPE x_total counter\n"
            "x_total{kind=\"a\"} 3\n"
            "x_total{kind=\"say \\\"hi\\\"\\\\n\"} 1\n");
  EXPECT_EQ(c.Value({"a"}), 3);
  // Registering the same name again shares the family.
  EXPECT_EQ(&metrics.AddCounter("x_total", "Things.", {"kind"}), &c);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics metrics;
  Histogram& h = metrics.AddHistogram("d_seconds", "Durations.", {}, {0.1, 1});
  h.Observe({}, 0.05);
  h.Observe({}, 0.1);  // on the bound: counted in le="0.1"
  h.Observe({}, 0.5);
  h.Observe({}, 7);
  EXPECT_EQ(metrics.Render(),
            "# HELP d_seconds Durations.\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{le=\"0.1\"} 2\n"
            "d_seconds_bucket{le=\"1\"} 3\n"
            "d_seconds_bucket{le=\"+Inf\"} 4\n"
            "d_seconds_sum 7.65\n"
            "d_seconds_count 4\n");
}

TEST(MetricsTest, GaugesSetOrCollected) {
  Metrics metrics;
  metrics.AddGauge("depth", "Queue depth.").Set({}, 4);
  metrics.AddGauge("by_phase", "By phase.", {"phase"}, [] {
    return std::vector<std::pair<LabelValues, double>>{{{"Running"}, 2}, {{"Failed"}, 1}};
  });
  EXPECT_EQ(metrics.Render(),
            "# HELP depth Queue depth.\n# TYPE depth gauge\ndepth 4\n"
            "# HELP by_phase By phase.\n# TYPE by_phase gauge\n"
            "by_phase{phase=\"Failed\"} 1\nby_phase{phase=\"Running\"} 2\n");
}

TEST(MetricsTest, ConcurrentUpdatesAllCount) {
  Metrics metrics;
  Counter& c = metrics.AddCounter("n_total", "N.", {});
  Histogram& h = metrics.AddHistogram("h", "H.", {}, Histogram::LatencyBuckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        c.Add({});
        h.Observe({}, 0.001);
        if (i % 100 == 0) (void)metrics.Render();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value({}), 8000);
  EXPECT_EQ(h.Count({}), 8000u);
}

TEST(LoggingTest, JsonLinesAreOneEscapedObject) {
  std::string line = JsonLogLine("2025-01-02T03:04:05.678Z", LogLevel::kWarn, "a \"quoted\"\nline\t\x01");
  auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["time"], "2025-01-02T03:04:05.678Z");
  EXPECT_EQ(parsed["level"], "warn");
  EXPECT_EQ(parsed["msg"], "a \"quoted\"\nline\t\x01");
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(LoggingTest, ConfiguredFormatAndLevel) {
  std::vector<std::string> lines;
  ConfigureLogging(LogFormat::kJson, LogLevel::kInfo, [&](const std::string& l) { lines.push_back(l); });
  LogDebug("hidden");
  EXPECT_FALSE(LogEnabled(LogLevel::kDebug));
  LogInfo("leader: reconciling with {} workers");  // braces are text, not a format
  LogError("boom");
  ASSERT_EQ(lines.size(), 2u);
  auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["msg"], "leader: reconciling with {} workers");
  EXPECT_EQ(first["time"].get<std::string>().size(), 24u);
  EXPECT_EQ(nlohmann::json::parse(lines[1])["level"], "error");

  lines.clear();
  ConfigureLogging(LogFormat::kText, LogLevel::kDebug, [&](const std::string& l) { lines.push_back(l); });
  LogDebug("shown");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("Z debug shown"), std::string::npos) << lines[0];
  ConfigureLogging(LogFormat::kText, LogLevel::kInfo);

  EXPECT_FALSE(ParseLogFormat("xml").ok());
  EXPECT_EQ(*ParseLogLevel("warn"), LogLevel::kWarn);
  EXPECT_FALSE(ParseLogLevel("loud").ok());
}

}  // namespace
}  // namespace sesame::controller
