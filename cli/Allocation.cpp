// Replaces the global operator new/delete of the edgeguard executable so that every C++
// allocation is counted per thread (eg::countAllocation): the per-unit memory budget of a
// scan (Budget.h, --parse-memory) is measured with it. Sizes come from malloc_usable_size,
// so sized and unsized deletes count alike. Only the executable links this file; tests and
// fuzzers keep the standard allocator (and only the time budget).
// With jemalloc (EG_JEMALLOC) the size of a plain allocation is its size class, computed from
// the requested size (nallocx) instead of looked up from the pointer, and a sized delete frees
// with that size (sdallocx): both skip jemalloc's page-map lookup (3 M instructions, a
// thirteenth of a language server edit's Terraform load, in callgrind).
#include <malloc.h>

#include <cstdlib>
#include <new>

#ifdef EG_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "linter/core/Budget.h"

namespace {

void release(void* p) noexcept;

// The bytes malloc(size) takes.
std::size_t sizeClass(std::size_t size, void* p) noexcept {
#ifdef EG_JEMALLOC
  (void)p;
  return nallocx(size, 0);
#else
  (void)size;
  return malloc_usable_size(p);
#endif
}

void* allocate(std::size_t size) {
  if (size == 0) size = 1;
  for (;;) {
    if (void* p = std::malloc(size)) {
      eg::countAllocation(static_cast<int64_t>(sizeClass(size, p)));
      try {
        eg::checkMemoryOnAllocation();
      } catch (...) {
        release(p);
        throw;
      }
      return p;
    }
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

void* allocateAligned(std::size_t size, std::align_val_t align) {
  if (size == 0) size = 1;
  std::size_t a = static_cast<std::size_t>(align);
  if (a < sizeof(void*)) a = sizeof(void*);
  for (;;) {
    void* p = nullptr;
    if (posix_memalign(&p, a, size) == 0) {
      eg::countAllocation(static_cast<int64_t>(malloc_usable_size(p)));
      return p;
    }
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

void release(void* p) noexcept {
  if (!p) return;
  eg::countAllocation(-static_cast<int64_t>(malloc_usable_size(p)));
  std::free(p);
}

// A delete that knows the size it was allocated with (by allocate()).
void releaseSized(void* p, std::size_t size) noexcept {
#ifdef EG_JEMALLOC
  if (!p) return;
  if (size == 0) size = 1;  // as allocate() asked for
  eg::countAllocation(-static_cast<int64_t>(nallocx(size, 0)));
  sdallocx(p, size, 0);
#else
  (void)size;
  release(p);
#endif
}

}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t size, std::align_val_t align) { return allocateAligned(size, align); }
void* operator new[](std::size_t size, std::align_val_t align) { return allocateAligned(size, align); }

void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t size) noexcept { releaseSized(p, size); }
void operator delete[](void* p, std::size_t size) noexcept { releaseSized(p, size); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
