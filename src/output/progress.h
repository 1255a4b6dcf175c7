// progress: one status line on stderr while inputs are read — files, bytes,
// records per second and an ETA — redrawn at most ten times a second. Drawn
// only when asked (stderr is a terminal and not --quiet), erased at the end.
#pragma once

#include <chrono>
#include <cstdint>

namespace trailwatch::output {

class Progress {
 public:
  /// `total_bytes`: the inputs' sizes on disk (0 if unknown, e.g. stdin).
  Progress(bool enabled, uint64_t total_files, uint64_t total_bytes);
  ~Progress() { Finish(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Totals so far; redraws if the last draw is old enough.
  void Update(uint64_t files, uint64_t bytes, uint64_t records);
  /// Erases the line (idempotent).
  void Finish();

 private:
  void Draw();

  bool enabled_;
  uint64_t total_files_, total_bytes_;
  uint64_t files_ = 0, bytes_ = 0, records_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool drawn_ = false;
};

}  // namespace trailwatch::output
