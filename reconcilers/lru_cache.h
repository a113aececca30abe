#pragma once
// A map from string keys to values that holds at most `capacity` entries,
// dropping the least recently used one (looked up or stored) to make room.
// Not thread-safe: wrap it (Guarded) when threads share it.

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>

namespace sesame::reconcilers {

template <typename Value>
class LruCache {
 public:
  explicit LruCache(size_t capacity) : capacity_(capacity) {}

  // The value of `key`, now the most recently used; nullptr when absent.
  // Valid until the next Put or Erase.
  Value* Find(const std::string& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  // Stores `value` under `key` (replacing what was there) as the most
  // recently used entry; drops the least recently used beyond capacity.
  void Put(const std::string& key, Value value) {
    if (capacity_ == 0) return;
    auto it = index_.find(key);
    if (it != index_.end()) {
      it->second->second = std::move(value);
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    if (index_.size() >= capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
  }

  void Erase(const std::string& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    order_.erase(it->second);
    index_.erase(it);
  }

  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  using Order = std::list<std::pair<std::string, Value>>;  // most recent first
  const size_t capacity_;
  Order order_;
  std::unordered_map<std::string, typename Order::iterator> index_;
};

}  // namespace sesame::reconcilers
