// hooks: --on-alarm runs a program once per alarm hit. No shell is involved
// at any point: the command is split into words here, run with posix_spawnp,
// and the hit reaches it only as JSON on stdin and as environment variables,
// so a hostile field value ("$(rm -rf ~)", quotes, newlines) stays data.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "trailwatch/rules.h"
#include "trailwatch/status.h"

namespace trailwatch::pipeline {

/// Splits an operator-written command into words: blanks separate, '...'
/// and "..." group, backslash escapes the next character (outside '...').
/// Nothing is expanded: no variables, globs or substitutions.
Result<std::vector<std::string>> SplitCommand(std::string_view text);

/// Runs `argv` (argv[0] looked up in PATH) with `input` on its stdin and
/// `env` added to trailwatch's environment. Its stdout and stderr go to
/// trailwatch's stderr, so stdout carries only results. It runs in a process
/// group of its own; after `timeout` the whole group is killed (a child it
/// started does not outlive it). Ok if it exited with status 0; otherwise a
/// message that says why.
Status RunHook(const std::vector<std::string>& argv, std::string_view input, const KeyValues& env,
               std::chrono::milliseconds timeout);

}  // namespace trailwatch::pipeline
