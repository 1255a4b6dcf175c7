// cli: parses the command line (CLI11, the only exception-using layer) into
// the plain option structs of pipeline.h and runs the chosen command.
#pragma once

namespace trailwatch::cli {

/// Runs trailwatch with `argv`; returns the process exit code.
int Run(int argc, char** argv);

}  // namespace trailwatch::cli
