// main: hands the command line to the CLI layer; nothing else lives here.
#include "cli/cli.h"

int main(int argc, char** argv) { return trailwatch::cli::Run(argc, argv); }
