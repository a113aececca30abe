#include "cli/client.h"

namespace sesame::cli {
namespace {

class EmbeddedClient final : public Client {
 public:
  explicit EmbeddedClient(std::unique_ptr<store::Store> store) : store_(std::move(store)) {}

  Result<std::vector<store::ApplyOutcome>> Apply(const std::vector<specs::Object>& objects,
                                                 const store::ApplyOptions& options) override {
    return store_->Apply(objects, options);
  }
  Result<specs::Object> Get(const specs::ObjectKey& key) override { return store_->Get(key); }
  Result<ObjectList> List(const store::ListOptions& options) override {
    // Read the version first: the list is at least that new.
    auto rv = store_->CurrentResourceVersion();
    if (!rv.ok()) return rv.status();
    auto items = store_->List(options);
    if (!items.ok()) return items.status();
    return ObjectList{std::move(items).value(), *rv};
  }
  Status Delete(const specs::ObjectKey& key) override { return store_->Delete(key); }
  Result<std::vector<store::Event>> ListEvents(const store::EventFilter& filter) override {
    return store_->ListEvents(filter);
  }

 private:
  std::unique_ptr<store::Store> store_;
};

}  // namespace

Result<std::unique_ptr<Client>> NewEmbeddedClient(const std::string& db_path) {
  auto store = store::Store::Open(db_path);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Client>(new EmbeddedClient(std::move(store).value()));
}

}  // namespace sesame::cli
