// Instantiation with imports supplied by a resolver instead of an array, and its exact dry run.
//
// The engine-level instantiate() (runtime/runtime.h) binds an array of ExternVals; the embedding layer
// (src/api/embed.cpp) resolves imports by name and may bind an import to a *host function*, whose
// FuncInst must then be created inside the new instance (so that const tables of host functions are
// never written). measure_instance() runs the same allocation sequence as instantiation without
// touching memory, so an embedder learns the exact arena bytes before committing any of them.
#ifndef PICOWASM_RUNTIME_INSTANTIATE_H
#define PICOWASM_RUNTIME_INSTANTIATE_H

#include <cstddef>
#include <cstdint>

#include "picowasm/error.h"
#include "runtime/runtime.h"

namespace picowasm {

// What one import is bound to.
struct ImportBinding {
  // host_type == nullptr: an existing object (kind and pointer; checked against the import type).
  ExternVal value;
  // host_type != nullptr: a host function, given a FuncInst allocated in the instance's arena.
  const FuncType* host_type = nullptr;
  HostFn host = nullptr;
  void* host_user = nullptr;
  const void* host_data = nullptr;
};

// Resolves import `index` (into Module::imports) for `context`. Must give the same answer every
// time it is asked about the same index (instantiation asks twice: check, then bind). A failure
// is returned as is, with Error::function set to the import index.
using ResolveImport = Error (*)(const void* context, uint32_t index, ImportBinding* out);

struct ImportResolver {
  ResolveImport resolve = nullptr;
  const void* context = nullptr;
};

// instantiate() with imports from `resolver`. Every import is resolved and type-checked before
// anything is allocated (unlinkable errors carry the import index in Error::function); running out
// of arena rewinds it to where it was.
Error instantiate_resolved(const CompiledModule& compiled, const ImportResolver& resolver,
                           const InstanceLimits& limits, Arena& arena, Instance** out);

// The arena bytes instantiate_resolved() would take from an arena whose next free byte is at
// address `start` (alignment padding included), after the same import checks. With `worst_case`,
// `start` is ignored and every allocation is charged its worst alignment padding: an upper bound
// valid for any arena address. *largest (if given) names the ResourceLimits field sizing the
// largest reservation. Errors: those of the import checks, out_of_arena when a reservation cannot
// be addressed on this target.
Error measure_instance(const CompiledModule& compiled, const ImportResolver& resolver,
                       const InstanceLimits& limits, uintptr_t start, bool worst_case,
                       size_t* bytes, const char** largest = nullptr);

}  // namespace picowasm

#endif  // PICOWASM_RUNTIME_INSTANTIATE_H
