// Runs n independent tasks on up to `jobs` threads. The first task to throw stops the others
// from starting (those running finish) and its exception is rethrown to the caller, so a failed
// copy is never logged and forgotten as the reference copier's were.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace snaplake::landing {

template <typename Task>
void run_parallel(size_t n, int jobs, Task&& task) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto worker = [&] {
    while (!failed) {
      size_t i = next++;
      if (i >= n) return;
      try {
        task(i);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
      }
    }
  };
  size_t threads = std::min<size_t>(n, static_cast<size_t>(std::max(jobs, 1)));
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::jthread> pool;
    pool.reserve(threads);
    for (size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
  }  // jthreads join here
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace snaplake::landing
