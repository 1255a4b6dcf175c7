// OrderedRunner: runs one task per input on N worker threads and hands their
// output to the calling thread strictly in input order, so -j1 and -jN print
// the same bytes; memory is bounded by a window of tasks in flight.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "trailwatch/record.h"

namespace trailwatch::pipeline {

class OrderedRunner;

/// Where a task writes: stdout bytes into buffer(), in order; its InputReport.
/// Used by one worker thread at a time.
class TaskOutput {
 public:
  /// fmt's buffer grows without zero-filling, so writers can resize then fill.
  fmt::memory_buffer& buffer() { return buffer_; }
  /// Hands the buffer to the writer when it holds enough to be worth it.
  void MaybeFlush() {
    if (buffer_.size() >= kFlushBytes) Flush();
  }
  void Flush();
  InputReport& report() { return report_; }
  /// True once the writer has stopped (for example stdout was closed).
  bool cancelled() const;

 private:
  friend class OrderedRunner;
  static constexpr size_t kFlushBytes = 1 << 20;
  OrderedRunner* runner_ = nullptr;
  size_t task_ = 0;
  fmt::memory_buffer buffer_;
  InputReport report_;
  // Shared with the writer thread, under OrderedRunner::mu_.
  std::deque<fmt::memory_buffer> chunks_;
  size_t pending_bytes_ = 0;
  bool done_ = false;
};

class OrderedRunner {
 public:
  /// Runs on a worker thread: `worker` in [0, jobs) names the thread's own state.
  using Work = std::function<void(size_t worker, size_t task, TaskOutput& out)>;
  /// Runs on the calling thread, in task order. Returns false to stop writing.
  using Deliver = std::function<bool(size_t task, std::string_view chunk)>;
  /// Runs on the calling thread, in task order, once a task has finished.
  using Finish = std::function<void(size_t task, InputReport& report)>;

  OrderedRunner(size_t tasks, size_t jobs) : tasks_(tasks), jobs_(jobs < 1 ? 1 : jobs) {}

  /// Runs every task; returns false if Deliver asked to stop.
  bool Run(const Work& work, const Deliver& deliver, const Finish& finish);

 private:
  friend class TaskOutput;
  // A task not at the head may buffer this much before its worker waits.
  static constexpr size_t kMaxPendingBytes = 16 << 20;

  void WorkerLoop(size_t worker, const Work& work);

  const size_t tasks_;
  const size_t jobs_;
  std::vector<std::unique_ptr<TaskOutput>> slots_;  // ring: task i uses slot i % size
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<fmt::memory_buffer> spare_buffers_;  // written chunks, kept for reuse
  size_t head_ = 0;                 // the task being written
  std::atomic<size_t> next_task_{0};
  std::atomic<bool> cancelled_{false};
};

}  // namespace trailwatch::pipeline
