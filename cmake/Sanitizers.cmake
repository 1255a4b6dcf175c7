# TRAILWATCH_SANITIZE: AddressSanitizer + UndefinedBehaviorSanitizer for every
# target; the first report aborts (no recovery), so a test fails on it.
if(TRAILWATCH_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# TRAILWATCH_TSAN: ThreadSanitizer for every target (clang). The suite runs the
# end-to-end tests (every command runs with -j workers) under it.
if(TRAILWATCH_TSAN)
  if(TRAILWATCH_SANITIZE)
    message(FATAL_ERROR "TRAILWATCH_TSAN and TRAILWATCH_SANITIZE cannot be combined")
  endif()
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()

# TRAILWATCH_FUZZ: coverage instrumentation for libFuzzer in every target; the
# fuzz targets themselves link with -fsanitize=fuzzer (tests/CMakeLists.txt).
if(TRAILWATCH_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
