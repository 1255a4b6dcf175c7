# trailwatch_warnings: the warning set every target of ours compiles with.
add_library(trailwatch_warnings INTERFACE)
target_compile_options(trailwatch_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wcast-align
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  $<$<CXX_COMPILER_ID:GNU>:-Wduplicated-cond -Wduplicated-branches -Wlogical-op -Wmisleading-indentation>
  $<$<BOOL:${TRAILWATCH_WERROR}>:-Werror>)
