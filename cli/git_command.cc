#include "cli/git_command.h"

#include "common/subprocess.h"

namespace sesame::cli {
namespace {

std::string Tail(const std::string& err) {
  std::string text = err;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.size() > 2000) text = "..." + text.substr(text.size() - 2000);
  return text;
}

}  // namespace

Result<std::string> RunGit(const GitCommandOptions& options) {
  SubprocessOptions run;
  run.argv = {"git"};
  run.argv.insert(run.argv.end(), options.args.begin(), options.args.end());
  run.env = {"GIT_TERMINAL_PROMPT=0", "LC_ALL=C"};
  run.env.insert(run.env.end(), options.env.begin(), options.env.end());
  run.timeout = options.timeout;
  run.own_process_group = true;  // remote helpers and ssh die with it
  auto result = RunSubprocess(run);
  if (!result.ok()) {
    if (result.status().code() == Code::kNotFound) return NotFoundError("git is not installed (not found in PATH)");
    return result.status();
  }
  std::string what = "git";
  for (size_t i = 0; i < options.args.size(); ++i) {
    const auto& a = options.args[i];
    if (a == "-C" || a == "-c") ++i;
    else if (a.empty() || a[0] != '-') { what += " " + a; break; }
  }
  if (result->timed_out) return UnavailableError(what + ": timed out after " + HumanDuration(options.timeout));
  if (result->succeeded()) return std::move(result->out);
  std::string detail = Tail(result->err);
  if (detail.empty()) detail = result->Describe();
  return UnavailableError(what + ": " + detail);
}

}  // namespace sesame::cli
