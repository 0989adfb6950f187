#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdlib>

// The binary some tests start writes its cache of unit results under the build tree, never in
// the user's cache directory (tests/CMakeLists.txt).
#ifdef EG_TEST_CACHE_DIR
[[maybe_unused]] static const int egTestCacheDir = setenv("EDGEGUARD_CACHE_DIR", EG_TEST_CACHE_DIR, 1);
#endif
