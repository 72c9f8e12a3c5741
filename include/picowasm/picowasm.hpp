// picowasm: the C++ API, in one header (C firmware uses picowasm.h). Configuration structs,
// admission control, instantiation by name, typed host functions, and calls with fuel, pause,
// resume, interrupts and trap reports. The engine's objects (modules' code, instances, functions,
// tables, memories, globals) are opaque handles living in the caller's buffers.
//
// The shape, in the spirit of littlefs's lfs_config: the firmware owns every byte. A module is
// loaded into one caller buffer (ModuleConfig), each instance lives in another (InstanceConfig);
// both structs are plain data, checked as a whole before use (check_config), and zero means
// "default" everywhere. Nothing here touches the heap.
//
//   constexpr HostFunction kBoard[] = {host_function<&gpio_write>("env", "gpio_write"), ...};
//   static uint8_t module_buf[16 << 10], instance_buf[64 << 10];   // align to 16 (see below)
//   LoadedModule* module;  load(bytes, size, ModuleConfig{module_buf, sizeof module_buf}, &module);
//   InstanceConfig cfg;  cfg.arena = instance_buf; ... cfg.host_functions = kBoard; ...
//   size_t need;  instance_size(*module, cfg, &need);     // admission: refuse before touching RAM
//   Instance* inst;  instantiate(*module, cfg, &inst);
//   start(*inst, fuel);                                    // the start function, if any
//   call(*inst, find_function(*inst, "run"), slots, fuel) / resume(...)
//   unload(*inst);                                         // the buffer is free again
//
// Lifetimes: the module bytes (may be flash) outlive the LoadedModule, which outlives its
// instances; host-function and extern tables outlive the instances linked against them (they are
// read, never written, so they can be const and live in flash). Unloading is forgetting: the
// engine holds no pointers into a buffer once the caller stops using what lives in it.
//
// A/B replacement (update a module in place without a window where neither runs):
//   1. A runs from (module_buf_A, instance_buf_A); B arrives (e.g. over the air, into flash).
//   2. load(B) into module_buf_B: decode + validate + translate. Any error rejects B; A is
//      untouched (it shares nothing with B's buffers).
//   3. instance_size(B, cfg_B) <= size of instance_buf_B (admission), then instantiate(B) into it.
//   4. Only now drop A: abandon() a paused call if any, unload(A); its two buffers are free and
//      become the "B side" of the next update.
//   Firmware short of RAM for two instances can still do steps 1-2 (validation of B needs only the
//   module buffer) and swap instances at a quiescent point; test/unit/embed_lifecycle_test.cpp
//   shows both.
//
// Memory cap below the declared size (opt-in, ResourceLimits::memory_bytes). A module declaring
// one 64 KiB page can run on a board with less RAM if it only touches part of it. DEVIATION FROM
// THE SPEC, active only when memory_bytes != 0 and smaller than the declared size: memory.size
// keeps reporting the declared pages (and import matching uses them), but only the first
// memory_bytes bytes exist. Loads, stores, bulk memory operations, data segments and MemView
// arguments beyond them trap as out of bounds (a data segment beyond them makes instantiation
// trap); memory.grow returns -1 once the grown size would exceed the cap. A module that stays
// within the cap behaves exactly as specified. Without the cap nothing changes.
//
// Host functions. A host function is an ordinary C++ function whose first parameter is
// HostContext&; host_function<&fn>(module, field) derives its wasm type at compile time:
//   int32_t/uint32_t -> i32, int64_t/uint64_t -> i64, float -> f32, double -> f64,
//   ExternRef -> externref, FuncRef -> funcref,
//   MemView (parameter only) -> two i32 (pointer, length), bounds-checked before the call,
//   results: void, one of the scalars above, or Results<T...> for several.
// It traps with `return ctx.trap("bad pin");` (or ctx.trap(...) then `return;` in a void
// function), pauses the calling wasm code after it returns with ctx.yield(), and reaches its
// instance's linear memory only through MemView arguments and the checked HostContext helpers.
// A host function may call back into its own instance (call() from inside the host function, a
// nested call on the same stacks), up to ResourceLimits::host_call_depth levels.
#ifndef PICOWASM_PICOWASM_HPP
#define PICOWASM_PICOWASM_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "picowasm/config.h"
#include "picowasm/error.h"
#include "picowasm/module.h"

namespace picowasm {

// Opaque handles: the engine's objects live in the caller's buffers; only pointers cross the API.
struct CompiledModule;  // a module's translated code
struct Instance;        // an instance of a module
struct FuncInst;        // a function (wasm or host) of some instance
struct TableInst;
struct MemoryInst;
struct GlobalInst;

// ---- Host functions ---------------------------------------------------------------------------

// What a host function sees: its arguments in slots[0..params) and where to write its results
// (slots[0..results), overwriting the arguments).
struct HostCall {
  Instance* instance;  // the calling instance (its memory is the one a host function may access)
  void* user;          // the `user` pointer registered with the function (per instance)
  const void* data;    // the `data` pointer of the function's table entry (per function)
  uint64_t* slots;
  const char* trap_message = nullptr;  // optional text reported with a trap_host trap

  // Helpers for the function's return statement.
  ErrorCode trap(const char* message) {
    trap_message = message;
    return ErrorCode::trap_host;
  }
  // Results are already written; the calling wasm code pauses right after this call
  // (PauseReason::host_yield) and continues there when resumed.
  static ErrorCode yield() { return ErrorCode::host_yield; }
};
// Returns ErrorCode::ok, a trap code (usually via HostCall::trap) to trap the calling wasm code, or
// HostCall::yield() to pause it.
using HostFn = ErrorCode (*)(HostCall& call);

// An external value: what an import is bound to, or what an export refers to.
struct ExternVal {
  ExternKind kind = ExternKind::func;
  union {
    FuncInst* func;
    TableInst* table;
    MemoryInst* memory;
    GlobalInst* global;
  };
  ExternVal() : func(nullptr) {}
};

// ---- Values host functions exchange with wasm --------------------------------------------------

// An externref: an opaque host pointer wasm code can hold but not look into (nullptr = null).
struct ExternRef {
  void* ptr = nullptr;
  bool is_null() const { return ptr == nullptr; }
};

// A funcref (nullptr = null).
struct FuncRef {
  FuncInst* func = nullptr;
  bool is_null() const { return func == nullptr; }
};

// A checked window [address, address + size) of the calling instance's linear memory. Valid until
// the host function returns. As a host-function parameter it takes two wasm i32 arguments
// (pointer, length), and the call traps with trap_memory_oob instead of happening when the range
// is not entirely inside the memory.
struct MemView {
  uint8_t* data = nullptr;  // nullptr only when size == 0 and the instance has no memory
  uint32_t size = 0;
  uint32_t address = 0;  // wasm address of data[0]

  const char* chars() const { return reinterpret_cast<const char*>(data); }
  bool empty() const { return size == 0; }
};

namespace detail {

// Scalar wasm values <-> 64-bit slots (i32/f32 in the low 32 bits, zero-extended).
template <typename T>
struct Value {
  static constexpr bool kSupported = false;
};
template <>
struct Value<int32_t> {
  static constexpr bool kSupported = true;
  static constexpr ValType kType = ValType::i32;
  static int32_t get(uint64_t s) { return static_cast<int32_t>(static_cast<uint32_t>(s)); }
  static uint64_t put(int32_t v) { return static_cast<uint32_t>(v); }
};
template <>
struct Value<uint32_t> {
  static constexpr bool kSupported = true;
  static constexpr ValType kType = ValType::i32;
  static uint32_t get(uint64_t s) { return static_cast<uint32_t>(s); }
  static uint64_t put(uint32_t v) { return v; }
};
template <>
struct Value<int64_t> {
  static constexpr bool kSupported = true;
  static constexpr ValType kType = ValType::i64;
  static int64_t get(uint64_t s) { return static_cast<int64_t>(s); }
  static uint64_t put(int64_t v) { return static_cast<uint64_t>(v); }
};
template <>
struct Value<uint64_t> {
  static constexpr bool kSupported = true;
  static constexpr ValType kType = ValType::i64;
  static uint64_t get(uint64_t s) { return s; }
  static uint64_t put(uint64_t v) { return v; }
};
template <>
struct Value<float> {
  static constexpr bool kSupported = true;
  static constexpr ValType kType = ValType::f32;
  static float get(uint64_t s) {
    const uint32_t bits = static_cast<uint32_t>(s);
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  static uint64_t put(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return bits;
  }
};
template <>
struct Value<double> {
  static constexpr bool kSupported = true;
  static constexpr ValType kType = ValType::f64;
  static double get(uint64_t s) {
    double v;
    std::memcpy(&v, &s, sizeof v);
    return v;
  }
  static uint64_t put(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return bits;
  }
};
template <>
struct Value<ExternRef> {
  static constexpr bool kSupported = true;
  static constexpr ValType kType = ValType::externref;
  static ExternRef get(uint64_t s) {
    return ExternRef{reinterpret_cast<void*>(static_cast<uintptr_t>(s))};
  }
  static uint64_t put(ExternRef v) { return reinterpret_cast<uintptr_t>(v.ptr); }
};
template <>
struct Value<FuncRef> {
  static constexpr bool kSupported = true;
  static constexpr ValType kType = ValType::funcref;
  static FuncRef get(uint64_t s) {
    return FuncRef{reinterpret_cast<FuncInst*>(static_cast<uintptr_t>(s))};
  }
  static uint64_t put(FuncRef v) { return reinterpret_cast<uintptr_t>(v.func); }
};

}  // namespace detail

// Several results: `return Results<int32_t, int32_t>{quotient, remainder};`
template <typename... T>
struct Results {
  static_assert(sizeof...(T) > 0, "use void for a host function without results");
  static_assert((detail::Value<T>::kSupported && ...),
                "Results<T...>: each T must be int32_t, uint32_t, int64_t, uint64_t, float, "
                "double, ExternRef or FuncRef");
  Results() = default;
  Results(T... values)
      : slots{detail::Value<T>::put(values)...} {}  // NOLINT: implicit is the point
  uint64_t slots[sizeof...(T)] = {};
};

// ---- HostContext
// ---------------------------------------------------------------------------------

// The instance's whole accessible linear memory (empty if it has none), and a checked window of it:
// [address, address + length) if it lies inside the memory (true), else false. For the firmware
// between calls, and for host functions (HostContext::memory()/view()).
MemView instance_memory(const Instance& instance);
bool memory_view(const Instance& instance, uint32_t address, uint32_t length, MemView* out);

class HostContext {
 public:
  // Converts to any host-function result type (its value is never used): see trap().
  struct TrapValue {
    template <typename T>
    operator T() const {  // NOLINT: implicit, so that `return ctx.trap(...)` fits any result type
      return T();
    }
  };

  // Two words: the call and how it ends (the trap message goes straight into the HostCall), so a
  // thunk builds it with two stores and reads one byte back.
  explicit HostContext(HostCall& call) : call_(call) {}

  // The calling instance, and the `user` pointer of its InstanceConfig.
  Instance& instance() const { return *call_.instance; }
  void* user() const { return call_.user; }
  template <typename T>
  T* user_as() const {
    return static_cast<T*>(call_.user);
  }
  // The `data` pointer of the HostFunction entry the import was bound to.
  const void* data() const { return call_.data; }
  template <typename T>
  const T* data_as() const {
    return static_cast<const T*>(call_.data);
  }

  // Makes the calling wasm code trap when this host function returns (its results are ignored):
  // `return ctx.trap("bad pin");`. The message must outlive the call (a string literal): it is
  // reported by trap_report(instance).host_message. The code is trap_host unless another code of
  // kind `trap` is given (e.g. trap_memory_oob for a bad address the module passed).
  TrapValue trap(const char* message) { return trap(ErrorCode::trap_host, message); }
  TrapValue trap(ErrorCode code, const char* message) {
    code_ = error_kind(code) == ErrorKind::trap ? code : ErrorCode::trap_host;
    call_.trap_message = message;
    return TrapValue();
  }
  bool trapped() const { return code_ != ErrorCode::ok && code_ != ErrorCode::host_yield; }

  // Pauses the calling wasm code right after this host function returns (its results are
  // delivered): call()/resume() report CallStatus::paused with PauseReason::host_yield, and
  // resume() continues after the call instruction.
  void yield() {
    if (code_ == ErrorCode::ok) code_ = ErrorCode::host_yield;  // a trap wins
  }

  // ---- The calling instance's linear memory (all checked against its accessible size) ----
  // The whole accessible memory (empty if the instance has none).
  MemView memory() const { return instance_memory(*call_.instance); }
  // [address, address + length) if it lies inside the memory; false otherwise.
  bool view(uint32_t address, uint32_t length, MemView* out) const {
    return memory_view(*call_.instance, address, length, out);
  }
  bool read(uint32_t address, void* out, uint32_t length) const {
    MemView v;
    if (!view(address, length, &v)) return false;
    if (length) std::memcpy(out, v.data, length);
    return true;
  }
  bool write(uint32_t address, const void* data, uint32_t length) const {
    MemView v;
    if (!view(address, length, &v)) return false;
    if (length) std::memcpy(v.data, data, length);
    return true;
  }

  // Internal (generated thunks): the code the host function's call ends with (ok, host_yield or
  // the trap's code; the trap message is already in the HostCall).
  ErrorCode finish() const { return code_; }

 private:
  HostCall& call_;
  ErrorCode code_ = ErrorCode::ok;
};

// ---- Host function tables
// ------------------------------------------------------------------------

// One host function an import can bind to. A literal type: tables of these are `constexpr` and can
// live in flash; the runtime never writes them.
struct HostFunction {
  const char* module = nullptr;  // import module name, NUL-terminated
  const char* name = nullptr;    // import field name, NUL-terminated
  FuncType type;                 // wasm signature (static arrays generated by host_function)
  HostFn thunk = nullptr;        // unpacks the slots, checks MemViews, calls the function
  const void* data = nullptr;    // anything the function wants per entry (HostContext::data())
};

namespace detail {

// A parameter type: how many wasm parameters it takes, which, and how it is read.
template <typename T>
struct Param {
  static_assert(Value<T>::kSupported,
                "host function parameter: use int32_t, uint32_t, int64_t, uint64_t, float, "
                "double, ExternRef, FuncRef or MemView");
  static constexpr uint32_t kSlots = 1;
  static constexpr void append(ValType* out, uint32_t& n) { out[n++] = Value<T>::kType; }
  static bool check(const HostContext&, const uint64_t*) { return true; }
  static T get(const HostContext&, const uint64_t* s) { return Value<T>::get(s[0]); }
};
template <>
struct Param<MemView> {
  static constexpr uint32_t kSlots = 2;  // (pointer, length)
  static constexpr void append(ValType* out, uint32_t& n) {
    out[n++] = ValType::i32;
    out[n++] = ValType::i32;
  }
  static bool check(const HostContext& ctx, const uint64_t* s) {
    MemView v;
    return ctx.view(static_cast<uint32_t>(s[0]), static_cast<uint32_t>(s[1]), &v);
  }
  static MemView get(const HostContext& ctx, const uint64_t* s) {
    MemView v;
    ctx.view(static_cast<uint32_t>(s[0]), static_cast<uint32_t>(s[1]), &v);
    return v;
  }
};

// A result type: void, one scalar, or Results<T...>.
template <typename R>
struct Result {
  static_assert(Value<R>::kSupported,
                "host function result: use void, int32_t, uint32_t, int64_t, uint64_t, float, "
                "double, ExternRef, FuncRef or Results<T...>");
  static constexpr uint32_t kCount = 1;
  static constexpr void append(ValType* out) { out[0] = Value<R>::kType; }
  static void put(uint64_t* slots, const R& r) { slots[0] = Value<R>::put(r); }
};
template <>
struct Result<void> {
  static constexpr uint32_t kCount = 0;
  static constexpr void append(ValType*) {}
};
template <typename... T>
struct Result<Results<T...>> {
  static constexpr uint32_t kCount = sizeof...(T);
  static constexpr void append(ValType* out) {
    uint32_t n = 0;
    ((out[n++] = Value<T>::kType), ...);
  }
  static void put(uint64_t* slots, const Results<T...>& r) {
    for (uint32_t i = 0; i < kCount; ++i) slots[i] = r.slots[i];
  }
};

template <uint32_t N>
struct TypeArray {
  ValType v[N > 0 ? N : 1];
};

template <uint32_t... I>
struct Indices {};
template <uint32_t N, uint32_t... I>
struct MakeIndices : MakeIndices<N - 1, N - 1, I...> {};
template <uint32_t... I>
struct MakeIndices<0, I...> {
  using type = Indices<I...>;
};

template <typename R, typename... Args>
struct Thunk {
  using Ret = std::remove_cv_t<R>;
  static constexpr uint32_t kNumParams = (0u + ... + Param<Args>::kSlots);
  static constexpr uint32_t kNumResults = Result<Ret>::kCount;

  static constexpr TypeArray<kNumParams> param_types() {
    TypeArray<kNumParams> a{};
    uint32_t n = 0;
    (Param<Args>::append(a.v, n), ...);
    (void)n;
    return a;
  }
  static constexpr TypeArray<kNumResults> result_types() {
    TypeArray<kNumResults> a{};
    Result<Ret>::append(a.v);
    return a;
  }
  static constexpr TypeArray<kNumParams> kParams = param_types();
  static constexpr TypeArray<kNumResults> kResults = result_types();

  static constexpr FuncType type() {
    return FuncType{kParams.v, kResults.v, kNumParams, kNumResults};
  }

  // Slot of the first wasm parameter of C++ parameter `index`.
  static constexpr uint32_t offset(uint32_t index) {
    constexpr uint32_t widths[] = {Param<Args>::kSlots..., 0};
    uint32_t o = 0;
    for (uint32_t k = 0; k < index; ++k) o += widths[k];
    return o;
  }

  template <auto Fn, uint32_t... I>
  static ErrorCode run(HostCall& call, Indices<I...>) {
    static constexpr uint32_t kOffsets[] = {offset(I)..., 0};
    (void)kOffsets;
    HostContext ctx(call);
    const uint64_t* args = call.slots;
    (void)args;
    // Every MemView is checked before the function runs, so it never sees memory outside the
    // module's.
    if (!(Param<Args>::check(ctx, args + kOffsets[I]) && ...)) {
      call.trap_message = "host function argument: memory range out of bounds";
      return ErrorCode::trap_memory_oob;
    }
    if constexpr (std::is_void<Ret>::value) {
      Fn(ctx, Param<Args>::get(ctx, args + kOffsets[I])...);
    } else {
      // Stored even after a trap (its results are unspecified): no branch in every thunk.
      Result<Ret>::put(call.slots, Fn(ctx, Param<Args>::get(ctx, args + kOffsets[I])...));
    }
    return ctx.finish();
  }

  template <auto Fn>
  static ErrorCode call(HostCall& call) {
    return run<Fn>(call, typename MakeIndices<sizeof...(Args)>::type());
  }
};

template <typename F>
struct Signature {
  static_assert(sizeof(F) == 0,
                "host_function<Fn>: Fn must be a function R fn(HostContext&, Args...)");
};
template <typename R, typename... Args>
struct Signature<R (*)(HostContext&, Args...)> {
  using Type = Thunk<R, std::remove_cv_t<std::remove_reference_t<Args>>...>;
};
template <typename R, typename... Args>
struct Signature<R (*)(HostContext&, Args...) noexcept> {
  using Type = Thunk<R, std::remove_cv_t<std::remove_reference_t<Args>>...>;
};

}  // namespace detail

// The HostFunction entry for `Fn` (R fn(HostContext&, Args...)), importable as module.name, with
// an optional per-entry `data` pointer the function reads back with HostContext::data() (one
// function can then serve several entries, e.g. one per peripheral).
template <auto Fn>
constexpr HostFunction host_function(const char* module, const char* name,
                                     const void* data = nullptr) {
  using T = typename detail::Signature<decltype(Fn)>::Type;
  return HostFunction{module, name, T::type(), &T::template call<Fn>, data};
}

// ---- Configuration
// -------------------------------------------------------------------------------

// An export of another instance (or any runtime object the host made), importable as module.name.
struct NamedExtern {
  const char* module = nullptr;
  const char* name = nullptr;
  ExternVal value;
};

// Limits; zero means the default given beside each. A value above the compile-time maximum it is
// checked against is config_bad_limit (check_config).
struct ResourceLimits {
  // ---- instances (instance_size / instantiate) ----
  // Physical cap on linear memory bytes (opt-in deviation from the spec: see the top of this
  // file). Default: none.
  uint32_t memory_bytes = 0;
  // Pages reserved up front for memory.grow. Default: the declared maximum if any, else the
  // declared minimum (no growth). Never below the declared minimum.   <= PICOWASM_MAX_MEMORY_PAGES
  uint32_t memory_pages = 0;
  // Table elements: reserved for table.grow (same default rule as memory_pages), and a hard limit:
  // a module declaring a table larger than this fails with limit_table_elems. Default: no limit.
  uint32_t table_elems = 0;
  // Value stack bytes (8 per value; 0 or >= 8). Default 16 KiB.       <= PICOWASM_MAX_STACK_BYTES
  uint32_t stack_bytes = 0;
  // Nesting of wasm calls (call_stack_exhausted beyond). Default 256.  <= PICOWASM_MAX_CALL_DEPTH
  uint32_t call_depth = 0;
  // Frames kept in trap backtraces. Default 8.                       <= PICOWASM_MAX_TRACE_FRAMES
  uint32_t trace_frames = 0;
  // Nesting of calls through host functions (call() from a host function). Default 4.
  //                                                                   <= PICOWASM_MAX_CALL_DEPTH
  uint32_t host_call_depth = 0;
  // ---- modules (load) ----
  // Module size in bytes (limit_module_size). Default: no limit.
  uint32_t module_bytes = 0;
  // Functions, imported and defined (limit_functions).                 <= PICOWASM_MAX_FUNCTIONS
  uint32_t functions = 0;
  // Declared locals of any one function (limit_locals).                <= PICOWASM_MAX_LOCALS
  uint32_t locals = 0;
  // Element segments, and data segments (limit_segments).  <= PICOWASM_MAX_{ELEM,DATA}_SEGMENTS
  uint32_t elem_segments = 0;
  uint32_t data_segments = 0;
};

struct ModuleConfig {
  void* arena = nullptr;  // the module's buffer (best aligned to 16 bytes: see module_size)
  size_t arena_size = 0;
  ResourceLimits limits;  // module-side fields apply
  // Post-2.0 proposals this module may NOT use (kFeature* bits of module.h): zero allows every
  // proposal the build has compiled in (config.h PICOWASM_FEATURE_*); kAllFeatures is strict 2.0.
  uint32_t disabled_features = 0;
};

struct InstanceConfig {
  void* arena = nullptr;  // the instance's buffer; nullptr only to ask instance_size for a bound
  size_t arena_size = 0;
  // Imports are resolved by (module, field): first in host_functions, then in externs; the first
  // match wins. Function imports must match the signature exactly (incompatible_import).
  const HostFunction* host_functions = nullptr;
  size_t num_host_functions = 0;
  const NamedExtern* externs = nullptr;
  size_t num_externs = 0;
  ResourceLimits limits;  // instance-side fields apply
  void* user = nullptr;   // HostContext::user() of every host function this instance calls
};

// A decoded, validated and translated module, at the start of its ModuleConfig::arena. Read-only
// once loaded: any number of instances may share it.
struct LoadedModule {
  Module module;
  CompiledModule* compiled = nullptr;
  size_t arena_used = 0;  // bytes of the module buffer it occupies (from its start)
  size_t arena_peak = 0;  // bytes load() needed at its peak (working space included), see below
};

// ---- Calls: fuel, pause, resume, interrupts, trap reports (see the top of this file) ----------
// Fuel that never runs out (a budget of 2^64 - 1 safe points).
constexpr uint64_t kUnlimitedFuel = ~static_cast<uint64_t>(0);

enum class CallStatus : uint8_t {
  ok,      // returned; results are in the slots
  trap,    // trapped or exhausted its stacks: see CallResult::error and trap_report()
  paused,  // stopped at a safe point: see CallResult::pause; resume() or abandon()
};

enum class PauseReason : uint8_t {
  none,
  out_of_fuel,  // the fuel budget reached zero
  interrupted,  // interrupt() was called
  host_yield,   // a host function asked to pause (HostCall::yield)
};

struct CallResult {
  CallStatus status = CallStatus::ok;
  PauseReason pause = PauseReason::none;
  Error error;             // status == trap: the trap code (kind trap or exhaustion)
  uint64_t fuel_used = 0;  // safe points passed during this call or resume
};

// Starts a call of `func` with arguments in slots[0..params) and a fuel budget. On `ok` the results
// are in slots[0..results) (`slots` must hold max(params, results) values); i32 and f32 results
// are zero-extended to 64 bits. The instance must have run its start function (start_pending,
// instance_failed otherwise) and must not be paused (resume or abandon the paused call first;
// ErrorCode::bad_argument otherwise).
// A host function may call() back into the instance that is running it: the nested call runs on
// the free part of its stacks, up to ResourceLimits::host_call_depth levels (call_stack_exhausted
// beyond), and cannot stay paused (a pause inside it is reported and the nested call abandoned).
CallResult call(Instance& instance, FuncInst* func, uint64_t* slots, uint64_t fuel);

// Runs the module's start function, which instantiate() leaves for this call so that it is bounded
// like every other: it runs under `fuel`, can be interrupted, and a pause (out of fuel, interrupt,
// host yield) is continued with resume() (slots may then be null: it has no results). Until it
// has returned, call() fails with start_pending. Returns ok at once when the module has no start
// function or it has run already. If it traps, or its paused run is abandoned, the instance is
// unusable (call() and start() fail with instance_failed; trap_report() tells why); unload it.
CallResult start(Instance& instance, uint64_t fuel);

// Continues a paused call (or start function) with a new fuel budget; `slots` receives the results
// when it returns (may be null when the call has no results).
CallResult resume(Instance& instance, uint64_t* slots, uint64_t fuel);

// Discards a paused call; the instance can be called again, unless the call was its start
// function: then it is unusable (instance_failed).
void abandon(Instance& instance);

bool is_paused(const Instance& instance);

// While a call is paused by a host function's yield (PauseReason::host_yield), replaces the results
// that host function returned, before resume() hands them to the wasm code (i32/f32 in the low 32
// bits of each value). For host functions whose outcome is known only later (a HAL wait for a pin
// edge or UART data): return a placeholder, yield, and set the real result once the condition
// holds. False, and nothing written, when the instance is not paused by a yield or `count` is not
// the function's result count.
bool set_yield_results(Instance& instance, const uint64_t* values, uint32_t count);

// ---- Snapshots ----------------------------------------------------------------------------------
// An image of an instance that is idle (between calls) or paused (out of fuel, interrupted, host
// yield): linear memory (chunks that are all zero left out), globals, tables, dropped segments,
// the value and call stacks and where the call paused. The image holds positions, not addresses;
// it is checksummed and bound to the module's bytes and to their translation by this engine.
// restore() writes it into another instance of the same module (any address, same or larger
// limits) that is not running or paused: a paused image then continues with resume() exactly as
// the original would (fuel counts on from the pause), and one image can be restored into many
// instances (clones). A host function's own state (what a HAL wait waits for) is not in the image.
// Not capturable (snapshot_unsupported): modules whose code handles references (funcref,
// externref values, reference-typed globals or function types), imported memories, tables or
// globals, and calls paused inside another instance. Not while running (bad_argument).
//
// The exact size of the image snapshot() would write now.
Error snapshot_size(const Instance& instance, size_t* bytes);
// Writes the image into buffer[0, size) (snapshot_buffer_too_small with Error::needed otherwise).
Error snapshot(const Instance& instance, void* buffer, size_t size, size_t* written);
// Replaces the state of `instance` with the image's. Every field is checked before anything is
// written: snapshot_malformed (corrupted or truncated; Error::offset in the image),
// snapshot_foreign_module, snapshot_foreign_build (another translation of the module, e.g. another
// engine version), snapshot_does_not_fit (the instance's limits are smaller: Error::needed,
// available, lower name them). On an error the instance is as it was.
Error restore(Instance& instance, const void* image, size_t size);

// Asks the running (or next) call on `instance` to pause at its next safe point with
// PauseReason::interrupted. Safe to call from an interrupt handler or another thread: it only
// stores to one flag. The flag is cleared when the call pauses.
void interrupt(Instance& instance);

// ---- Trap reports ------------------------------------------------------------------------------

// One frame of a backtrace: innermost first.
struct TrapFrame {
  uint32_t function = 0;  // function index in the module's index space
  // Where execution was in that function: the wasm instruction's byte offset within the module
  // (as shown by wasm-objdump), or kUnknownOffset. The innermost frame is the trapping
  // instruction, outer frames are the calls in progress.
  uint32_t module_offset = 0;
  static constexpr uint32_t kUnknownOffset = 0xFFFFFFFFu;
};

struct TrapReport {
  ErrorCode code = ErrorCode::ok;
  const char* host_message = nullptr;  // set by HostCall::trap(), else nullptr
  uint32_t num_frames = 0;             // valid entries in frames[]
  uint32_t total_frames = 0;           // frames on the stack when it trapped (may exceed capacity)
  const TrapFrame* frames =
      nullptr;  // storage owned by the instance (ResourceLimits::trace_frames)
};

// The report of the last trap of a call on `instance` (code ok if the last call did not trap). The
// frames point into storage the instance owns, valid until its next call.
TrapReport trap_report(const Instance& instance);

// ---- API
// -----------------------------------------------------------------------------------------

// Checks a whole configuration before use. Errors: config_null_arena, config_bad_arena (the
// buffer wraps around the address space), config_null_table, config_null_name,
// config_null_function (no thunk, or a signature array missing), config_bad_extern (no object),
// config_bad_limit. For an entry of a table, Error::function is its index, counting host_functions
// first and externs after them.
Error check_config(const ModuleConfig& config);
Error check_config(const InstanceConfig& config);

// Decodes, validates and translates `bytes` into config.arena (the bytes stay where they are and
// must outlive the module; they may be in flash). *out points into the buffer. Errors: those of
// check_config, malformed/invalid/unsupported (with offset and function), limit_* (config.h and
// ResourceLimits), out_of_arena; on failure *out is null and the buffer holds nothing in use.
Error load(const uint8_t* bytes, size_t size, const ModuleConfig& config, LoadedModule** out);

// Module-side admission. The bytes a module needs can only be known by decoding it, so this is a
// dry run: load() into `scratch` (a buffer at least as large as the module will need; its
// contents are garbage afterwards), reporting the bytes the result occupies and the peak. A
// 16-byte-aligned buffer of `peak` bytes is enough for load(), and 16 bytes less is not.
struct ModuleFootprint {
  size_t retained = 0;  // LoadedModule::arena_used
  size_t peak = 0;      // LoadedModule::arena_peak
};
Error module_size(const uint8_t* bytes, size_t size, const ModuleConfig& scratch,
                  ModuleFootprint* out);

// ---- Translated code in read-only memory: translate once, execute in place ---------------------
// translate_to() writes a module's translated code, as an image, through a sink (e.g. into flash
// pages, once: at install time, or when the engine build changed); load_pretranslated() then loads
// the module with its code executed in place from the image, so the module buffer keeps only the
// decoded module's tables and one small entry per function. The image holds no addresses (branches
// are relative, calls name functions by index, each function is found by its offset), so it can be
// copied or moved. Its header binds it to the module bytes (a digest of them) and to this engine
// build (a digest of the translator's and interpreter's sources and of the features compiled in);
// a checksum covers the rest. See docs/embedding.md, "Translated code in flash".
constexpr size_t kImageHeaderBytes = 48;
constexpr size_t kImageAlign = 8;  // load_pretranslated() needs the image at a multiple of this

// Receives the image: write(context, offset, data, size) stores `size` bytes at `offset`. The body
// comes first, at increasing contiguous offsets from kImageHeaderBytes; the header (offset 0,
// kImageHeaderBytes long) comes last, so an image whose writing was cut short has no valid header
// and is refused. Return false to stop the translation (image_sink_failed).
struct ImageSink {
  bool (*write)(void* context, size_t offset, const void* data, size_t size) = nullptr;
  void* context = nullptr;
};

// Decodes, validates and translates `bytes`, handing the image to `sink`; *image_size (optional)
// receives its size (a sink that only counts tells it before anything is written). config.arena is
// working space only (garbage afterwards): it needs the decoded module and one function's
// translation at a time, less than load(). Errors: those of load(), image_sink_failed.
Error translate_to(const uint8_t* bytes, size_t size, const ModuleConfig& config,
                   const ImageSink& sink, size_t* image_size = nullptr);

// load() with the code taken from `image` (made by translate_to() from the same bytes by this
// engine build) instead of translated: the image must stay readable and unchanged as long as the
// module, and be kImageAlign-aligned. The bytes are still decoded and validated (the module's
// tables come from them). Of the image, the header is checked (its checksum over the whole image,
// the module and build digests) and so is every function's entry (inside the image, in order, a
// frame that holds its parameters and locals); its code is not checked, but trusted as much as the
// memory that holds it (verify_image() compares it with a fresh translation). Errors: those of
// load(), bad_argument (null or misaligned image), image_malformed (truncated, damaged, or not
// this module's functions), image_foreign_module, image_foreign_build.
Error load_pretranslated(const uint8_t* bytes, size_t size, const uint8_t* image, size_t image_size,
                         const ModuleConfig& config, LoadedModule** out);

// Checks that `image` is exactly what translate_to() makes of `bytes` with this build: the checks
// of load_pretranslated(), then every function translated again and compared, one at a time, in
// config.arena (working space only). A difference is image_foreign_build. For tools, tests, and
// firmware that wants more than digests before it trusts an image (it costs a translation's time).
Error verify_image(const uint8_t* bytes, size_t size, const uint8_t* image, size_t image_size,
                   const ModuleConfig& config);

// Instance-side admission: exactly the bytes instantiate(module, config) will use of
// config.arena, alignment padding included (memory, tables, globals, function instances, stacks,
// trap frames, bookkeeping), after resolving and checking every import (the same errors as
// instantiate: unknown_import / incompatible_import with the import index in Error::function,
// limit_table_elems, config_*). Depends on the buffer's address (padding), not on its size. With
// config.arena == nullptr: an upper bound valid for any address.
// Trap reports need nothing extra: they locate bytecode offsets in the value stack the trap freed
// (or free bytes of the buffer beyond this size, if any).
// largest_limit (optional) receives the ResourceLimits field whose reservation is largest
// ("memory_pages", "table_elems", "stack_bytes" or "call_depth"): the one to lower first.
Error instance_size(const LoadedModule& module, const InstanceConfig& config, size_t* bytes,
                    const char** largest_limit = nullptr);

// Creates an instance in config.arena: resolves imports by name, creates FuncInsts for host
// functions inside the buffer, reserves memory/tables/stacks per config.limits and runs segment
// initialisation. It runs no wasm code: the module's start function, if it has one, is run next
// by start(*instance, fuel) (below), bounded by fuel like any call; calls fail with
// start_pending until it has returned. If instance_size() exceeds config.arena_size it fails with
// out_of_arena without writing a byte of the buffer (Error::needed, ::available and ::lower say
// by how much and which limit to lower first). A trap during segment initialisation
// returns an Error of kind trap (*out stays null; the buffer may be reused).
Error instantiate(const LoadedModule& module, const InstanceConfig& config, Instance** out);

// The import an unlinkable error names (Error::function), or nullptr if out of range:
// import->module / import->field are its names ("env" "gpio_write").
const Import* import_at(const LoadedModule& module, uint32_t index);

// Looks up an export by name; returns false if there is none.
bool find_export(const Instance& instance, const char* name, size_t name_len, ExternVal* out);

// The module an instance was made from (for its names, types and exports).
const Module& instance_module(const Instance& instance);

// A function's signature (e.g. to size the slots of a call()).
const FuncType& function_type(const FuncInst& func);

// The exported function `name`, or nullptr.
FuncInst* find_function(const Instance& instance, const char* name);

// How much of its buffer the instance uses.
struct ArenaUse {
  size_t used = 0;        // == instance_size()
  size_t high_water = 0;  // the most ever used, trap-report working space included
};
ArenaUse instance_arena_use(const Instance& instance);

// High-water marks of an instance since it was instantiated (a restored paused call counts as in
// use), for run records (board/include/picowasm/run_record.h). Stacks are painted at
// instantiation and scanned here, so they cost nothing per call or instruction.
struct InstanceUse {
  uint64_t memory_bytes = 0;            // accessible linear-memory bytes (memory never shrinks)
  uint32_t stack_slots_high_water = 0;  // value-stack slots (8 bytes) ever in use by wasm frames
  uint32_t stack_slots = 0;             // value-stack slots reserved
  uint32_t call_depth_high_water = 0;   // deepest nesting of wasm calls
  uint32_t call_depth = 0;              // nesting allowed
};
InstanceUse instance_use(const Instance& instance);

// Ends the instance: a paused call is abandoned. Afterwards nothing refers to its buffer (unless
// the host kept pointers to its exports or placed its functions in another instance's table).
void unload(Instance& instance);

}  // namespace picowasm

#endif  // PICOWASM_PICOWASM_HPP
