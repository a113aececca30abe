// sesame kubeconfig: a kubeconfig for kubectl and Kubernetes client
// libraries, pointing at the running controller's HTTPS listener.
#include "cli/command.h"
#include "controller/api/kube_endpoint.h"
#include "store/store.h"

namespace sesame::cli {
namespace {

// YAML double-quoted scalar.
std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

int RunKubeconfig(Context& ctx, const ParsedFlags& flags) {
  std::string server = ctx.server;
  std::string ca_data, endpoint_plain;
  if (server.empty()) {
    auto store = store::Store::Open(store::DefaultDatabasePath());
    if (!store.ok()) return ctx.Fail(store.status());
    auto endpoint = controller::api::ReadKubeEndpoint(**store);
    if (!endpoint.ok()) {
      if (endpoint.status().code() != Code::kNotFound) return ctx.Fail(endpoint.status());
      return ctx.Fail(NotFoundError("no controller has served the Kubernetes API on " +
                                    store::DefaultDatabasePath() +
                                    " yet: start `sesame controller` (or `sesame up`), or pass --server URL"));
    }
    server = endpoint->server;
    endpoint_plain = endpoint->plain_server;
    ca_data = endpoint->CertificateAuthorityData();
  }
  std::string token = flags.Get("token", ctx.token);
  if (token.empty() && !endpoint_plain.empty()) {
    // kubectl prompts for a username when an https server gets no
    // credentials; without a token there is nothing TLS would protect.
    server = endpoint_plain;
    ca_data.clear();
  }
  std::string name = flags.Get("context", "sesame");
  std::string ns = flags.Get("namespace", "default");
  std::string out = "apiVersion: v1\nkind: Config\nclusters:\n- name: " + name + "\n  cluster:\n    server: " +
         Quoted(server) + "\n";
  if (!ca_data.empty()) out += "    certificate-authority-data: " + ca_data + "\n";
  out += "contexts:\n- name: " + name + "\n  context:\n    cluster: " + name + "\n    user: " + name +
         "\n    namespace: " + ns + "\ncurrent-context: " + name + "\nusers:\n- name: " + name + "\n  user:";
  out += token.empty() ? " {}\n" : "\n    token: " + Quoted(token) + "\n";
  out += "preferences: {}\n";
  ctx.out << out;
  return kExitOk;
}

}  // namespace

Command KubeconfigCommand() {
  return {"kubeconfig",
          "print a kubeconfig for kubectl and Kubernetes clients",
          "sesame kubeconfig [--token TOKEN] [--context NAME] [-n NS] > ~/.kube/sesame.yaml",
          "With a token (--token or $SESAME_TOKEN), points at the HTTPS listener of the\n"
          "controller running on this $SESAME_HOME (--kube-listen) and includes its\n"
          "self-signed certificate: kubectl sends tokens only over HTTPS. Without one, at\n"
          "its plain HTTP API. With --server URL, at that URL.\n\n"
          "  sesame kubeconfig > /tmp/sesame.kubeconfig\n"
          "  KUBECONFIG=/tmp/sesame.kubeconfig kubectl get sandboxes",
          {{"token", 0, true, "the bearer token (default: $SESAME_TOKEN)", "TOKEN"},
           {"context", 0, true, "the name of the cluster, user and context (default sesame)", "NAME"},
           NamespaceFlag()},
          RunKubeconfig};
}

}  // namespace sesame::cli
