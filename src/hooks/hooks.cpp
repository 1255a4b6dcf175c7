// hooks: posix_spawnp with a pipe for stdin, a deadline, and no shell.
#include "hooks/hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "trailwatch/escape.h"

extern char** environ;

namespace trailwatch::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

void WriteInput(int fd, std::string_view input, Clock::time_point deadline);

int MillisLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<int64_t>(left, 1000));
}

// Writes `input` to the hook's stdin until done, the hook closes it, or the
// deadline. SIGPIPE is blocked meanwhile (a hook that exits without reading
// gives EPIPE, not a dead trailwatch) and a pending one is consumed after.
void Feed(int fd, std::string_view input, Clock::time_point deadline) {
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  const bool was_pending = [&] {
    sigset_t pending;
    return sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
  }();
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  WriteInput(fd, input, deadline);
  sigset_t pending;
  if (!was_pending && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
}

void WriteInput(int fd, std::string_view input, Clock::time_point deadline) {
  while (!input.empty()) {
    pollfd p{fd, POLLOUT, 0};
    const int ready = ::poll(&p, 1, MillisLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return;  // deadline
    const ssize_t n = ::write(fd, input.data(), input.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return;  // EPIPE: the hook does not read its stdin, which is its right
    }
    input.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

Result<std::vector<std::string>> SplitCommand(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote == '\'') {
      if (c == '\'') {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '\\') {
      if (i + 1 == text.size()) return Status::InvalidArgument("--on-alarm: a backslash ends the command");
      word += text[++i];
      in_word = true;
    } else if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) return Status::InvalidArgument(fmt::format("--on-alarm: unbalanced {} quote", quote));
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) return Status::InvalidArgument("--on-alarm: empty command");
  return words;
}

Status RunHook(const std::vector<std::string>& argv, std::string_view input, const KeyValues& env,
               std::chrono::milliseconds timeout) {
  const std::string name = TerminalSafe(argv.at(0));
  // The environment: ours, with the hook's variables replaced.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    bool overridden = false;
    for (const auto& [key, value] : env) overridden |= entry.substr(0, key.size() + 1) == key + "=";
    if (!overridden) env_strings.emplace_back(entry);
  }
  for (const auto& [key, value] : env) env_strings.push_back(key + "=" + value);
  std::vector<char*> envp, args;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (std::string& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return Status::IoError(fmt::format("hook {}: pipe: {}", name, std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  // The child starts with default signal handling (trailwatch ignores SIGPIPE
  // and SIGXFSZ), in a process group of its own, so that a timeout kills
  // everything it started, not only itself.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGXFSZ);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  pid_t pid = 0;
  const int err = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(pipe_fds[0]);
  if (err != 0) {
    ::close(pipe_fds[1]);
    return Status::IoError(fmt::format("hook {}: cannot run: {}", name, std::strerror(err)));
  }
  const Clock::time_point deadline = Clock::now() + timeout;
  ::fcntl(pipe_fds[1], F_SETFL, O_NONBLOCK);
  Feed(pipe_fds[1], input, deadline);
  ::close(pipe_fds[1]);

  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return Status::IoError(fmt::format("hook {}: wait: {}", name, std::strerror(errno)));
    if (Clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);  // the whole group: the hook and what it started
      ::waitpid(pid, &status, 0);
      return Status::IoError(fmt::format("hook {}: killed after {} ms without finishing", name, timeout.count()));
    }
    ::usleep(2000);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  if (WIFEXITED(status)) return Status::IoError(fmt::format("hook {}: exited with status {}", name, WEXITSTATUS(status)));
  return Status::IoError(fmt::format("hook {}: killed by signal {}", name, WTERMSIG(status)));
}

}  // namespace trailwatch::pipeline
