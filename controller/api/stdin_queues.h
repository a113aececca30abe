#pragma once
// Stdin that arrives in requests of its own, for a stream that another
// request serves: an HTTP/1.1 client (a browser, cpp-httplib) cannot send a
// body while it reads the response, so an interactive exec, attach or
// console terminal streams its output in one response and takes its input
// as a series of short POSTs naming the stream by a random id.
//
// Thread safety: every method may be called from many threads at once.

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/mutex.h"
#include "controller/api/http_types.h"

namespace sesame::controller::api {

// The input of one stream, read by a provider's stdin feeder.
class StdinQueue {
 public:
  enum class Pushed { kAccepted, kClosed, kFull };
  static constexpr size_t kMaxPending = 1 << 20;  // bytes not yet taken by the command

  // `end`: the input ends after `data` (Ctrl-D, the end of a pipe).
  Pushed Push(std::string data, bool end);
  // For Streams::read_stdin: the next chunk; an empty one when nothing came
  // for a moment (so the feeder can look at cancelled()); false once the
  // input has ended or the stream is closed.
  bool Read(std::string& chunk);
  // The stream is over: pushes are refused and Read returns false.
  void Close();

 private:
  Mutex mu_;
  std::condition_variable_any wake_;
  std::deque<std::string> input_ GUARDED_BY(mu_);
  size_t pending_ GUARDED_BY(mu_) = 0;  // bytes in input_
  bool ended_ GUARDED_BY(mu_) = false;
  bool closed_ GUARDED_BY(mu_) = false;
};

class StdinQueues {
 public:
  static constexpr size_t kMaxOpen = 64;

  // Closes the queue and forgets its id when destroyed: held by the
  // stream's function, so it goes even if the stream never runs.
  class Registration {
   public:
    Registration(StdinQueues& owner, std::string id, std::shared_ptr<StdinQueue> queue)
        : owner_(owner), id_(std::move(id)), queue_(std::move(queue)) {}
    ~Registration();
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    const std::string& id() const { return id_; }
    StdinQueue& queue() { return *queue_; }

   private:
    StdinQueues& owner_;
    std::string id_;
    std::shared_ptr<StdinQueue> queue_;
  };

  // A new queue for a stream that acts for `owner` (a namespace, or
  // "NS/NAME"); null when kMaxOpen are open.
  std::shared_ptr<Registration> Open(const std::string& owner);

  // POST of input to queue `id`: 204, 404 when there is no such open
  // queue, 429 while the command is not reading, or what `refuse(owner)`
  // answers (a 403 for a token of another namespace, say).
  HttpResponse Input(const std::string& id, std::string data, bool end,
                     const std::function<std::optional<HttpResponse>(const std::string& owner)>& refuse);

 private:
  struct Entry {
    std::string owner;
    std::shared_ptr<StdinQueue> queue;
  };
  Mutex mu_;
  std::map<std::string, Entry> open_ GUARDED_BY(mu_);
};

}  // namespace sesame::controller::api
