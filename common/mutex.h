#pragma once
// A mutex that clang's thread-safety analysis (-Wthread-safety) can check,
// and the habit that goes with it: every member a mutex protects says so
// (GUARDED_BY), every private helper that expects the lock held says so
// (REQUIRES), and a Guarded<T> holds a value that is only reachable with
// its lock taken. With GCC the annotations compile to nothing;
// scripts/check-thread-safety (run by scripts/test) and the clang build of
// scripts/fuzz turn violations into errors.
//
//   Mutex mutex_;
//   int count_ GUARDED_BY(mutex_) = 0;
//   void Bump() { MutexLock lock(mutex_); ++count_; }

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <utility>

#if defined(__clang__)
#define SESAME_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define SESAME_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) SESAME_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY SESAME_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) SESAME_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) SESAME_THREAD_ANNOTATION(pt_guarded_by(x))
#define REQUIRES(...) SESAME_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) SESAME_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) SESAME_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define EXCLUDES(...) SESAME_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) SESAME_THREAD_ANNOTATION(assert_capability(x))
#define NO_THREAD_SAFETY_ANALYSIS SESAME_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace sesame {

class CAPABILITY("mutex") Mutex {
 public:
  void lock() ACQUIRE() { mutex_.lock(); }
  void unlock() RELEASE() { mutex_.unlock(); }
  // Tells the analysis the lock is held where it cannot see it (a lambda
  // called while its creator holds the lock). Checks nothing at run time.
  void AssertHeld() const ASSERT_CAPABILITY(this) {}

 private:
  std::mutex mutex_;
};

// Holds the lock for its scope. Wait() releases it while blocked on a
// condition variable, as std::unique_lock does.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) ACQUIRE(mutex) : mutex_(mutex) { mutex_.lock(); }
  ~MutexLock() RELEASE() { mutex_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  // The predicates run with the lock held, but in a lambda of their own
  // the analysis cannot see that: they begin with mutex.AssertHeld().
  template <typename Predicate>
  void Wait(std::condition_variable_any& cv, Predicate done) {
    cv.wait(mutex_, std::move(done));
  }
  // False when the time ran out with `done` still false.
  template <typename Rep, typename Period, typename Predicate>
  bool WaitFor(std::condition_variable_any& cv, std::chrono::duration<Rep, Period> timeout,
               Predicate done) {
    return cv.wait_for(mutex_, timeout, std::move(done));
  }
  template <typename Clock, typename Duration, typename Predicate>
  bool WaitUntil(std::condition_variable_any& cv,
                 const std::chrono::time_point<Clock, Duration>& deadline, Predicate done) {
    return cv.wait_until(mutex_, deadline, std::move(done));
  }
  // Without a predicate: one wake-up (or a spurious one); the caller loops.
  void Wait(std::condition_variable_any& cv) { cv.wait(mutex_); }
  template <typename Clock, typename Duration>
  void WaitUntil(std::condition_variable_any& cv,
                 const std::chrono::time_point<Clock, Duration>& deadline) {
    cv.wait_until(mutex_, deadline);
  }

 private:
  Mutex& mutex_;
};

// A value reachable only with its lock taken:
//   Guarded<std::map<int, int>> ports;
//   ports.With([](auto& m) { m[1] = 2; });
template <typename T>
class Guarded {
 public:
  template <typename... Args>
  explicit Guarded(Args&&... args) : value_(std::forward<Args>(args)...) {}

  template <typename F>
  decltype(auto) With(F&& f) EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    return std::forward<F>(f)(value_);
  }
  template <typename F>
  decltype(auto) With(F&& f) const EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    return std::forward<F>(f)(std::as_const(value_));
  }

 private:
  mutable Mutex mutex_;
  T value_ GUARDED_BY(mutex_);
};

}  // namespace sesame
