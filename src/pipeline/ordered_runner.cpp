// OrderedRunner: workers pull task numbers from a counter; a task may start
// only inside a window of slots after the head, and a task ahead of the head
// waits once it has buffered kMaxPendingBytes; the calling thread drains the
// head task's chunks as they come, then moves to the next task.
#include "pipeline/ordered_runner.h"

#include <thread>

namespace trailwatch::pipeline {

void TaskOutput::Flush() {
  if (buffer_.size() == 0) return;
  std::unique_lock lock(runner_->mu_);
  pending_bytes_ += buffer_.size();
  chunks_.push_back(std::move(buffer_));
  buffer_.clear();
  if (!runner_->spare_buffers_.empty()) {  // a grown buffer: no regrowth, no page faults
    buffer_ = std::move(runner_->spare_buffers_.back());
    runner_->spare_buffers_.pop_back();
  }
  runner_->cv_.notify_all();
  runner_->cv_.wait(lock, [&] {
    return task_ == runner_->head_ || pending_bytes_ < OrderedRunner::kMaxPendingBytes ||
           runner_->cancelled_;
  });
}

bool TaskOutput::cancelled() const { return runner_->cancelled_.load(std::memory_order_relaxed); }

void OrderedRunner::WorkerLoop(size_t worker, const Work& work) {
  for (;;) {
    const size_t task = next_task_.fetch_add(1);
    if (task >= tasks_) return;
    TaskOutput* out = nullptr;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return task < head_ + slots_.size(); });
      out = slots_[task % slots_.size()].get();
    }
    if (!cancelled_) work(worker, task, *out);
    out->Flush();
    std::lock_guard lock(mu_);
    out->done_ = true;
    cv_.notify_all();
  }
}

bool OrderedRunner::Run(const Work& work, const Deliver& deliver, const Finish& finish) {
  const size_t window = std::max<size_t>(2, jobs_ * 2);
  for (size_t i = 0; i < window; ++i) {
    slots_.push_back(std::make_unique<TaskOutput>());
    slots_.back()->runner_ = this;
    slots_.back()->task_ = i;
  }
  std::vector<std::thread> threads;
  threads.reserve(jobs_);
  for (size_t w = 0; w < jobs_; ++w) {
    threads.emplace_back([this, w, &work] { WorkerLoop(w, work); });
  }

  bool writing = true;
  for (size_t task = 0; task < tasks_; ++task) {
    TaskOutput& out = *slots_[task % window];
    for (;;) {
      std::deque<fmt::memory_buffer> chunks;
      bool done = false;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !out.chunks_.empty() || out.done_; });
        chunks.swap(out.chunks_);
        out.pending_bytes_ = 0;
        done = out.done_;
        cv_.notify_all();
      }
      for (const fmt::memory_buffer& chunk : chunks) {
        if (writing && !deliver(task, std::string_view(chunk.data(), chunk.size()))) {
          writing = false;
          cancelled_ = true;
        }
      }
      {
        std::lock_guard lock(mu_);
        for (fmt::memory_buffer& chunk : chunks) {
          if (spare_buffers_.size() >= 2 * slots_.size()) break;
          chunk.clear();
          spare_buffers_.push_back(std::move(chunk));
        }
      }
      if (done) break;
    }
    finish(task, out.report_);
    std::lock_guard lock(mu_);
    out.report_ = InputReport();
    out.done_ = false;
    out.task_ = task + window;
    head_ = task + 1;
    cv_.notify_all();
  }
  for (std::thread& t : threads) t.join();
  return writing;
}

}  // namespace trailwatch::pipeline
