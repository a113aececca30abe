#pragma once
// Wakes everyone waiting for the database to change, in this process and
// in the others that share it, without polling: every process that waits
// binds a unix datagram socket in a directory next to the database
// (state.db-notify/), and every writer sends one byte to each socket there
// after it commits. Sockets of processes that died are removed by the next
// writer (the kernel refuses the send). A slow fallback (SQLite's
// data_version, once a second) covers a writer that does not poke, e.g. an
// older binary.
//
// Thread safety: every member may be called from any thread.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "common/mutex.h"
#include "common/time.h"
#include "common/unique_fd.h"

namespace sesame::store {

class ChangeSignal {
 public:
  // `dir`: the sockets' directory (created 0700 when first needed); empty
  // for a database no other process can open (":memory:"). `data_version`
  // returns a number that changes when another connection commits; it is
  // called every `fallback_period` while a listener runs.
  ChangeSignal(std::string dir, std::function<int64_t()> data_version, Millis fallback_period);
  ~ChangeSignal();
  ChangeSignal(const ChangeSignal&) = delete;
  ChangeSignal& operator=(const ChangeSignal&) = delete;

  // After this process committed a write: wakes this process's waiters and
  // pokes every other listener's socket.
  void Committed();
  // Wakes this process's waiters without a write (a stop request).
  void Wake();

  // A number that grows at every change seen. The first call binds this
  // process's socket before returning, so a change committed elsewhere
  // after it returns is never missed: read the sequence, then the state,
  // then Wait(sequence).
  uint64_t Sequence();
  // Blocks until Sequence() differs from `seen` or `timeout` passes;
  // returns Sequence().
  uint64_t Wait(uint64_t seen, Millis timeout);

 private:
  void StartListening() REQUIRES(mutex_);
  void Listen();          // the listener thread
  void Bump();
  void Poke();

  const std::string dir_;
  const std::function<int64_t()> data_version_;
  const Millis fallback_period_;

  Mutex mutex_;
  std::condition_variable_any changed_;
  uint64_t sequence_ GUARDED_BY(mutex_) = 0;
  bool listening_ GUARDED_BY(mutex_) = false;
  std::string socket_name_ GUARDED_BY(mutex_);  // this listener's file in dir_
  UniqueFd socket_;          // bound listener
  UniqueFd stop_;            // eventfd: ends the listener thread
  std::thread listener_;

  Mutex poke_mutex_;
  UniqueFd poke_socket_ GUARDED_BY(poke_mutex_);  // unbound, for sending
};

}  // namespace sesame::store
