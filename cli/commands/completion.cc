// sesame completion bash|zsh|fish: a shell completion script, generated
// from the commands and flags this binary has. Names of sandboxes (and of
// templates and syncs after `get`, `describe`, `delete`) are asked of
// `sesame get ... -o name` when completing, so they come from the store or
// server the user's environment points at.
#include <set>
#include <sstream>

#include "cli/command.h"

namespace sesame::cli {
namespace {

constexpr char kResources[] = "sandboxes templates pools quotas events violations syncs";
constexpr char kFormats[] = "wide yaml json name";
// The kinds `sesame schema` prints (cli/commands/schema.cc).
constexpr char kSchemaKinds[] = "sandbox sandboxtemplate gitsync sandboxpool sandboxquota";
constexpr char kSandboxVerbs[] = "logs exec attach suspend resume restart port-forward cp";

// The flags of `c` as the shell sees them, --help and --server included
// (cli.cc adds those when it runs a command).
std::vector<FlagSpec> ShellFlags(const Command& c) {
  std::vector<FlagSpec> flags = c.flags;
  flags.push_back({"help", 'h', false, "help for " + c.name});
  if (!RunsInProcess(c.name)) flags.push_back({"server", 0, true, "a Sesame server's URL", "URL"});
  return flags;
}

std::string Words(const Command& c) {
  std::string out;
  for (const auto& f : ShellFlags(c)) {
    out += (out.empty() ? "" : " ") + ("--" + f.name);
    if (f.short_name) out += std::string(" -") + f.short_name;
  }
  return out;
}

// Flags that take a value, over every command: the word after one is not
// a positional argument.
std::string ValueFlags(const std::vector<Command>& commands) {
  std::set<std::string> names;
  for (const auto& c : commands) {
    for (const auto& f : ShellFlags(c)) {
      if (!f.takes_value) continue;
      names.insert("--" + f.name);
      if (f.short_name) names.insert(std::string("-") + f.short_name);
    }
  }
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "|") + n;
  return out;
}

// "a b c" as a case pattern: "a|b|c".
std::string Alternatives(std::string words) {
  for (auto& ch : words) if (ch == ' ') ch = '|';
  return words;
}

// Shell lines that collect into `args` the positional words from index
// `first` to before `cursor`, skipping flags and the values they take
// (the same text in bash and zsh, which differ only in where words start).
std::string PositionalWords(const std::string& first, const std::string& cursor, const std::string& word,
                            const std::vector<Command>& commands) {
  return "  for (( i = " + first + "; i < " + cursor + "; i++ )); do\n"
         "    w=" + word + "\n"
         "    if (( skip )); then skip=0; continue; fi\n"
         "    case $w in\n"
         "      --) break ;;\n"
         "      " + ValueFlags(commands) + ") skip=1; continue ;;\n"
         "      -*) continue ;;\n"
         "    esac\n"
         "    args+=(\"$w\")\n"
         "  done\n";
}

std::string BashScript(const std::vector<Command>& commands) {
  std::ostringstream s;
  std::string names;
  for (const auto& c : commands) names += (names.empty() ? "" : " ") + c.name;
  s << "# sesame completion for bash: source <(sesame completion bash)\n"
       "_sesame_names() {\n"
       "  sesame get \"$1\" -o name 2>/dev/null | sed 's|^[^/]*/||'\n"
       "}\n"
       "_sesame() {\n"
       "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
       "  local cmd=${COMP_WORDS[1]} words='' i w skip=0\n"
       "  local -a args=()\n"
       "  if (( COMP_CWORD == 1 )); then\n"
       "    COMPREPLY=($(compgen -W '"
    << names
    << "' -- \"$cur\")); return\n"
       "  fi\n"
       "  case $prev in\n"
       "    -o|--output) COMPREPLY=($(compgen -W '"
    << kFormats
    << "' -- \"$cur\")); return ;;\n"
       "  esac\n"
       "  if [[ $cur == -* ]]; then\n"
       "    case $cmd in\n";
  for (const auto& c : commands) s << "      " << c.name << ") words='" << Words(c) << "' ;;\n";
  s << "    esac\n"
       "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\")); return\n"
       "  fi\n"
    << PositionalWords("2", "COMP_CWORD", "${COMP_WORDS[i]}", commands)
    << "  case $cmd in\n"
       "    get|describe|delete)\n"
       "      if (( ${#args[@]} == 0 )); then words='"
    << kResources
    << "'; else words=$(_sesame_names \"${args[0]}\"); fi ;;\n"
       "    "
    << Alternatives(kSandboxVerbs)
    << ") words=$(_sesame_names sandboxes) ;;\n"
       "    wait) words=$(_sesame_names sandboxes | sed 's|^|sandbox/|') ;;\n"
       "    sync) words=$(_sesame_names gitsyncs) ;;\n"
       "    completion) words='bash zsh fish' ;;\n"
       "    schema) words='"
    << kSchemaKinds
    << "' ;;\n"
       "  esac\n"
       "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
       "}\n"
       "complete -o default -F _sesame sesame\n";
  return s.str();
}

// zsh: a completion function of its own (words and CURRENT count from 1).
std::string ZshScript(const std::vector<Command>& commands) {
  std::ostringstream s;
  std::string names;
  for (const auto& c : commands) names += (names.empty() ? "" : " ") + c.name;
  s << "#compdef sesame\n"
       "# sesame completion for zsh: source <(sesame completion zsh)\n"
       "_sesame_names() {\n"
       "  sesame get \"$1\" -o name 2>/dev/null | sed 's|^[^/]*/||'\n"
       "}\n"
       "_sesame() {\n"
       "  local cmd=${words[2]} cur=${words[CURRENT]} prev=${words[CURRENT-1]} w i skip=0\n"
       "  local -a args choices\n"
       "  if (( CURRENT == 2 )); then\n"
       "    choices=("
    << names
    << ")\n"
       "    compadd -- $choices; return\n"
       "  fi\n"
       "  case $prev in\n"
       "    -o|--output) choices=("
    << kFormats
    << "); compadd -- $choices; return ;;\n"
       "  esac\n"
       "  if [[ $cur == -* ]]; then\n"
       "    case $cmd in\n";
  for (const auto& c : commands) s << "      " << c.name << ") choices=(" << Words(c) << ") ;;\n";
  s << "    esac\n"
       "    compadd -- $choices; return\n"
       "  fi\n"
    << PositionalWords("3", "CURRENT", "${words[i]}", commands)
    << "  case $cmd in\n"
       "    get|describe|delete)\n"
       "      if (( ${#args} == 0 )); then choices=("
    << kResources
    << "); else choices=(${(f)\"$(_sesame_names $args[1])\"}); fi ;;\n"
       "    "
    << Alternatives(kSandboxVerbs)
    << ") choices=(${(f)\"$(_sesame_names sandboxes)\"}) ;;\n"
       "    wait) choices=(${(f)\"$(_sesame_names sandboxes | sed 's|^|sandbox/|')\"}) ;;\n"
       "    sync) choices=(${(f)\"$(_sesame_names gitsyncs)\"}) ;;\n"
       "    completion) choices=(bash zsh fish) ;;\n"
       "    schema) choices=("
    << kSchemaKinds
    << ") ;;\n"
       "  esac\n"
       "  compadd -- $choices\n"
       "}\n"
       "if (( $+functions[compdef] )); then compdef _sesame sesame; fi\n";
  return s.str();
}

std::string FishQuote(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "'";
}

std::string FishScript(const std::vector<Command>& commands) {
  std::ostringstream s;
  s << "# sesame completion for fish: sesame completion fish | source\n"
       "function __sesame_names\n"
       "    sesame get $argv[1] -o name 2>/dev/null | string replace -r '^[^/]*/' ''\n"
       "end\n"
       "complete -c sesame -f\n";
  for (const auto& c : commands) {
    s << "complete -c sesame -n __fish_use_subcommand -a " << c.name << " -d " << FishQuote(c.summary)
      << "\n";
    for (const auto& f : ShellFlags(c)) {
      s << "complete -c sesame -n '__fish_seen_subcommand_from " << c.name << "' -l " << f.name;
      if (f.short_name) s << " -s " << f.short_name;
      if (f.takes_value) s << " -r";
      s << " -d " << FishQuote(f.help) << "\n";
    }
  }
  s << "complete -c sesame -n '__fish_seen_subcommand_from get describe delete; and not "
       "__fish_seen_subcommand_from "
    << kResources << "' -a " << FishQuote(kResources)
    << "\n"
       "complete -c sesame -n '__fish_seen_subcommand_from get describe delete; and "
       "__fish_seen_subcommand_from sandboxes sandbox' -a '(__sesame_names sandboxes)'\n"
       "complete -c sesame -n '__fish_seen_subcommand_from get describe delete; and "
       "__fish_seen_subcommand_from templates template' -a '(__sesame_names templates)'\n"
       "complete -c sesame -n '__fish_seen_subcommand_from "
    << kSandboxVerbs
    << "' -a '(__sesame_names sandboxes)'\n"
       "complete -c sesame -n '__fish_seen_subcommand_from sync' -a '(__sesame_names gitsyncs)'\n"
       "complete -c sesame -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n"
       "complete -c sesame -n '__fish_seen_subcommand_from schema' -a '"
    << kSchemaKinds
    << "'\n"
       "complete -c sesame -l output -s o -x -a "
    << FishQuote(kFormats) << " -n '__fish_seen_subcommand_from get version'\n";
  return s.str();
}

int RunCompletion(Context& ctx, const ParsedFlags& flags) {
  if (flags.positional().size() != 1) return ctx.Usage("usage: sesame completion bash|zsh|fish");
  const std::string& shell = flags.positional()[0];
  std::vector<Command> commands = AllCommands();
  if (shell == "bash") ctx.out << BashScript(commands);
  else if (shell == "zsh") ctx.out << ZshScript(commands);
  else if (shell == "fish") ctx.out << FishScript(commands);
  else return ctx.Usage("unknown shell \"" + shell + "\" (use bash, zsh or fish)");
  return kExitOk;
}

}  // namespace

Command CompletionCommand() {
  return {"completion",
          "Print a shell completion script (bash, zsh or fish)",
          "sesame completion bash|zsh|fish",
          "Commands, flags, resources and sandbox names complete on TAB.\n\n"
          "  bash:  source <(sesame completion bash)     # or save it in /etc/bash_completion.d/sesame\n"
          "  zsh:   source <(sesame completion zsh)\n"
          "  fish:  sesame completion fish | source     # or save it in ~/.config/fish/completions/sesame.fish",
          {},
          RunCompletion};
}

}  // namespace sesame::cli
