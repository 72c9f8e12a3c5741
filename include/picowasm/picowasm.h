/* picowasm C API: a C99 interface to the C++ API (picowasm.hpp) for C firmware.
 *
 * Everything lives in buffers the caller owns; nothing here allocates. The sequence:
 *
 *   static uint8_t module_buf[16 * 1024];    (aligned to PW_BUFFER_ALIGN)
 *   static uint8_t instance_buf[64 * 1024];
 *   static const pw_valtype kPinLevel[] = {PW_I32, PW_I32};
 *   static const pw_host_function kBoard[] = {
 *     {"env", "gpio_write", kPinLevel, 2, NULL, 0, gpio_write, NULL},
 *   };
 *   pw_module* module;      pw_module_load(bytes, size, NULL, module_buf, sizeof module_buf,
 *                                          &module, &err);
 *   pw_instance_config cfg = {0};  cfg.buffer = instance_buf;  cfg.buffer_size = ...;
 *   cfg.host_functions = kBoard;   cfg.num_host_functions = PW_COUNTOF(kBoard);
 *   size_t need;            pw_instance_size(module, &cfg, &need, &err);   (admission control)
 *   pw_instance* inst;      pw_instance_create(module, &cfg, &inst, &err);
 *   pw_call(inst, "run", args, 1, NULL, 0, 1000, &res)  ->  PW_OK / PW_PAUSED / PW_ERR_TRAP
 *   pw_resume(inst, NULL, 0, 1000, &res);  ...  pw_instance_unload(inst);
 *
 * Conventions (every function below follows them unless it says otherwise):
 * - Functions returning pw_status return PW_OK on success and a negative PW_ERR_* on failure;
 *   PW_ERR_BAD_ARGUMENT when a required pointer is NULL or a handle is not live. Optional
 *   `pw_error*` parameters may be NULL; when given they are always written (status PW_OK on
 *   success).
 * - On failure, `out` handles are set to NULL and nothing in the caller's buffers is in use.
 * - Handles point into the caller's buffers: a pw_module lives at the start of its module
 *   buffer, a pw_instance at the start of its instance buffer. Unloading is forgetting: once
 *   unloaded, the buffer may be reused for anything.
 * - Lifetimes: module bytes (which may stay in flash) outlive their pw_module, which outlives its
 *   instances; host-function tables (const, may be in flash) outlive the instances linked
 *   against them. None of these is ever written by the engine.
 * - Not thread-safe: one instance is used by one thread at a time. pw_interrupt() is the
 *   exception: it may be called from an interrupt handler or another thread at any time.
 */
#ifndef PICOWASM_H
#define PICOWASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "picowasm/config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status codes ---------------------------------------------------------------------------- */

/* Outcome of an API call. Errors are negative; each matches one phase of the engine's errors,
 * the precise reason is in pw_error (code_name, message). */
typedef enum pw_status {
  PW_OK = 0,
  PW_PAUSED = 1,            /* a call stopped at a safe point: pw_resume() or pw_abandon() */
  PW_ERR_MALFORMED = -1,    /* the bytes are not a well-formed module (pw_error.offset) */
  PW_ERR_INVALID = -2,      /* the module fails validation (pw_error.offset, .function) */
  PW_ERR_UNSUPPORTED = -3,  /* uses a feature this build lacks (SIMD, later proposals) */
  PW_ERR_LIMIT = -4,        /* exceeds a pw_limits value or a compile-time maximum */
  PW_ERR_NO_SPACE = -5,     /* the caller's buffer is too small */
  PW_ERR_BAD_ARGUMENT = -6, /* NULL pointer, dead handle, inconsistent configuration */
  PW_ERR_UNLINKABLE = -7,   /* an import is missing or has another type (pw_error.import_*) */
  PW_ERR_TRAP = -8,         /* the wasm code trapped (pw_instance_trap() has the report) */
  PW_ERR_EXHAUSTION = -9,   /* the wasm code ran out of call stack (treated like a trap) */
  PW_ERR_NOT_FOUND = -10,   /* no exported function of that name */
  PW_ERR_SIGNATURE = -11,   /* argument/result count or types differ from the function's */
  PW_ERR_STATE = -12        /* paused instance (pw_call), not paused or running (pw_resume) */
} pw_status;

/* A short description of a status ("ok", "module is malformed", ...). Never NULL. */
const char* pw_status_message(pw_status status);

/* Index fields that do not apply hold PW_NO_INDEX. */
#define PW_NO_INDEX 0xFFFFFFFFu

/* Details of a failure. Code names ("type_mismatch", ...) are the stable identifiers of precise
 * reasons; builds without PICOWASM_ERROR_NAMES (the default on Cortex-M, to save flash) report
 * them as "?", and `message` (always present) then tells the reasons apart. */
typedef struct pw_error {
  pw_status status;
  uint16_t code;             /* the engine's error code (numbering may change between versions) */
  const char* code_name;     /* "type_mismatch", "unknown_import", "out_of_arena", ... */
  const char* message;       /* "type mismatch", "unknown import", ... (spec wording) */
  uint32_t offset;           /* malformed/invalid/limit: byte offset in the module, else 0 */
  uint32_t function;         /* error inside a function body: its index, else PW_NO_INDEX */
  uint32_t import_index;     /* unlinkable: index in the import section, else PW_NO_INDEX */
  const char* import_module; /* unlinkable: the import's names (NUL-terminated, in the module */
  const char* import_field;  /*   buffer, valid while the module is), else NULL */
  uint32_t entry;            /* bad host-function table entry: its index, else PW_NO_INDEX */
  /* PW_ERR_NO_SPACE: the bytes the buffer needed (0 when unknown: a load stops at the first
   * allocation that fails, pw_module_size() tells the whole need) and had, and for an instance
   * the pw_limits field to lower first ("memory_pages", "table_elems", "stack_bytes",
   * "call_depth": the largest reservation), else NULL. */
  size_t needed;
  size_t available;
  const char* lower_limit;
} pw_error;

/* ---- Values ---------------------------------------------------------------------------------- */

/* Value types, by their wasm binary encoding (one byte, so signature tables stay small). */
typedef uint8_t pw_valtype;
#define PW_I32 ((pw_valtype)0x7F)
#define PW_I64 ((pw_valtype)0x7E)
#define PW_F32 ((pw_valtype)0x7D)
#define PW_F64 ((pw_valtype)0x7C)
#define PW_FUNCREF ((pw_valtype)0x70)
#define PW_EXTERNREF ((pw_valtype)0x6F)

/* A typed value. References are opaque pointers (NULL is the null reference): an externref is
 * any host pointer, a funcref is a handle obtained from wasm. */
typedef struct pw_value {
  pw_valtype type;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    void* ref;
  } as;
} pw_value;

static inline pw_value pw_i32(int32_t v) {
  pw_value r;
  r.type = PW_I32;
  r.as.i64 = 0;
  r.as.i32 = v;
  return r;
}
static inline pw_value pw_i64(int64_t v) {
  pw_value r;
  r.type = PW_I64;
  r.as.i64 = v;
  return r;
}
static inline pw_value pw_f32(float v) {
  pw_value r;
  r.type = PW_F32;
  r.as.i64 = 0;
  r.as.f32 = v;
  return r;
}
static inline pw_value pw_f64(double v) {
  pw_value r;
  r.type = PW_F64;
  r.as.f64 = v;
  return r;
}
static inline pw_value pw_externref(void* v) {
  pw_value r;
  r.type = PW_EXTERNREF;
  r.as.i64 = 0;
  r.as.ref = v;
  return r;
}

#define PW_COUNTOF(array) (sizeof(array) / sizeof((array)[0]))

/* ---- Limits ---------------------------------------------------------------------------------- */

/* Resource limits; zero means the default noted beside each (see picowasm.hpp, ResourceLimits, and
 * config.h for the compile-time maxima: a larger value is PW_ERR_BAD_ARGUMENT, code
 * config_bad_limit). Modules use the fields marked (module), instances those marked (instance). */
typedef struct pw_limits {
  /* (instance) Physical cap on linear memory bytes; default none. Opt-in deviation from the
   * spec: accesses beyond it trap, memory.grow past it returns -1, memory.size still reports the
   * declared pages. */
  uint32_t memory_bytes;
  /* (instance) Pages reserved for memory.grow; default the declared maximum, or the declared
   * minimum if there is no maximum. */
  uint32_t memory_pages;
  uint32_t table_elems;     /* (instance) elements reserved for table.grow, and a hard limit */
  uint32_t stack_bytes;     /* (instance) value stack bytes; default 16 KiB */
  uint32_t call_depth;      /* (instance) wasm call nesting; default 256 */
  uint32_t trace_frames;    /* (instance) frames kept in trap backtraces; default 8 */
  uint32_t host_call_depth; /* (instance) calls nested through host functions; default 4 */
  uint32_t module_bytes;    /* (module) size of the module binary; default none */
  uint32_t functions;       /* (module) functions, imported and defined */
  uint32_t locals;          /* (module) declared locals of one function */
  uint32_t elem_segments;   /* (module) element segments */
  uint32_t data_segments;   /* (module) data segments */
} pw_limits;

/* ---- Modules --------------------------------------------------------------------------------- */

/* Buffers should be aligned to this many bytes (16 unless the engine was built with another
 * PICOWASM_BUFFER_ALIGN, config.h); the size queries assume it. */
#define PW_BUFFER_ALIGN PICOWASM_BUFFER_ALIGN

/* A decoded, validated and translated module, at the start of its buffer. Read-only once loaded;
 * any number of instances may share it. */
typedef struct pw_module pw_module;

/* An instance of a module, at the start of its buffer. */
typedef struct pw_instance pw_instance;

/* Module admission: the bytes of a PW_BUFFER_ALIGN-aligned buffer pw_module_load() needs for
 * these bytes and limits (add PW_BUFFER_ALIGN - 1 for a buffer of unknown alignment): that many
 * are enough and PW_BUFFER_ALIGN fewer are not (a few fewer may do, as the padding of the
 * working space at the buffer's end depends on where the buffer ends). It is a dry
 * run of the load in `scratch`, which must be at least as large as the load needs (its contents
 * are garbage afterwards; it may be the very buffer the module will be loaded into).
 * limits: NULL for defaults. Errors: those of pw_module_load(); PW_ERR_NO_SPACE means `scratch` is
 * too small to tell. *needed is 0 on failure. */
pw_status pw_module_size(const uint8_t* bytes, size_t size, const pw_limits* limits, void* scratch,
                         size_t scratch_size, size_t* needed, pw_error* error);

/* Decodes, validates and translates `bytes` into `buffer`. The bytes are not copied: they must
 * stay unchanged and readable (RAM or flash) while the module is loaded. limits: NULL for
 * defaults. Every function import must be satisfiable by a host function (the C API links
 * nothing else). Errors: PW_ERR_MALFORMED, PW_ERR_INVALID,
 * PW_ERR_UNSUPPORTED, PW_ERR_LIMIT, PW_ERR_NO_SPACE (buffer too small), PW_ERR_BAD_ARGUMENT. */
pw_status pw_module_load(const uint8_t* bytes, size_t size, const pw_limits* limits, void* buffer,
                         size_t buffer_size, pw_module** out, pw_error* error);

/* Translated code in flash (docs/embedding.md, "Translated code in flash"; C++ translate_to()).
 * pw_module_translate() writes the module's translated code as an image through `write`, which
 * stores `size` bytes at `offset` of the image and returns nonzero on success: the body first, at
 * increasing contiguous offsets, the 48-byte header (offset 0) last. `scratch` is working space
 * only (garbage afterwards). *image_size (optional) receives the image's size. Errors: those of
 * pw_module_load(); a write that returned 0 is PW_ERR_NO_SPACE ("image_sink_failed"). */
typedef int (*pw_image_write)(void* context, size_t offset, const void* data, size_t size);
pw_status pw_module_translate(const uint8_t* bytes, size_t size, const pw_limits* limits,
                              void* scratch, size_t scratch_size, pw_image_write write,
                              void* context, size_t* image_size, pw_error* error);

/* pw_module_load() with the translated code executed in place from `image` (made by
 * pw_module_translate() from the same bytes by this engine build; 8-byte aligned, unchanged and
 * readable while the module is loaded): `buffer` keeps only the module's tables. Errors: those of
 * pw_module_load(); PW_ERR_MALFORMED ("image_malformed": truncated or damaged), PW_ERR_UNLINKABLE
 * ("image_foreign_module", "image_foreign_build": translate again), PW_ERR_BAD_ARGUMENT (NULL or
 * misaligned image). */
pw_status pw_module_load_pretranslated(const uint8_t* bytes, size_t size, const uint8_t* image,
                                       size_t image_size, const pw_limits* limits, void* buffer,
                                       size_t buffer_size, pw_module** out, pw_error* error);

/* Bytes at the start of the module buffer the loaded module occupies (the rest is free). */
size_t pw_module_used(const pw_module* module);

/* Ends the module's life; all its instances must have been unloaded. NULL is ignored. */
void pw_module_unload(pw_module* module);

/* ---- Host functions -------------------------------------------------------------------------- */

/* What a host function receives: its arguments, where its results go, its instance. Valid only
 * during the call. */
typedef struct pw_host_call pw_host_call;

/* A host function. Return:
 *   PW_OK                      results set (pw_host_set_*), the wasm code continues;
 *   pw_host_yield(call)        results set, the wasm code pauses right after the call
 *                              (PW_PAUSED, reason PW_PAUSE_HOST_YIELD) until pw_resume();
 *   pw_host_trap(call, "msg")  the wasm code traps (code trap_host) with that message;
 *   any other status           the same as a trap whose message is pw_status_message(status).
 * It may call back into its instance with pw_call() (see there), not pw_resume() (PW_ERR_STATE). */
typedef pw_status (*pw_host_fn)(pw_host_call* call);

/* One entry of an import table: binds imports named module.name. Const-able (may live in flash);
 * the engine never writes it. The signature must equal the import's exactly, or linking fails
 * with PW_ERR_UNLINKABLE (code incompatible_import). */
typedef struct pw_host_function {
  const char* module;       /* import module name, NUL-terminated */
  const char* name;         /* import field name, NUL-terminated */
  const pw_valtype* params; /* may be NULL when num_params is 0 */
  uint32_t num_params;
  const pw_valtype* results; /* may be NULL when num_results is 0 */
  uint32_t num_results;
  pw_host_fn fn;
  const void* data; /* anything the function wants per entry (pw_host_data()); may be NULL */
} pw_host_function;

/* Arguments, typed by the signature. Read every argument before setting a result: results
 * overwrite the argument slots. Out of range: type 0 / value 0. */
uint32_t pw_host_num_args(const pw_host_call* call);
pw_value pw_host_arg(const pw_host_call* call, uint32_t index);
int32_t pw_host_arg_i32(const pw_host_call* call, uint32_t index);
int64_t pw_host_arg_i64(const pw_host_call* call, uint32_t index);
float pw_host_arg_f32(const pw_host_call* call, uint32_t index);
double pw_host_arg_f64(const pw_host_call* call, uint32_t index);
void* pw_host_arg_ref(const pw_host_call* call, uint32_t index);

/* Sets result `index`; false (and nothing written) if there is no such result or its type is not
 * value.type. Set every result: one left unset has an unspecified value. */
bool pw_host_set_result(pw_host_call* call, uint32_t index, pw_value value);

/* The calling instance's linear memory [address, address + length): on success *out points to
 * it (valid until the host function returns) and true is returned; false when the range is not
 * entirely inside the memory (or there is none), and the host function should then
 * `return pw_host_trap(call, "...")`. This is the only way a host function reaches wasm memory. */
bool pw_host_memory(const pw_host_call* call, uint32_t address, uint32_t length, uint8_t** out);

/* Makes the calling wasm code trap with `message` (which must outlive the trap report: use a
 * string literal); returns PW_ERR_TRAP, for `return pw_host_trap(call, "bad pin");`. */
pw_status pw_host_trap(pw_host_call* call, const char* message);

/* Returns PW_PAUSED, for `return pw_host_yield(call);` (cooperative yield, see pw_host_fn). */
pw_status pw_host_yield(pw_host_call* call);

void* pw_host_user(const pw_host_call* call);       /* the instance's pw_instance_config.user */
const void* pw_host_data(const pw_host_call* call); /* the table entry's data */
const pw_host_function* pw_host_entry(const pw_host_call* call); /* the table entry */
/* The calling instance. */
pw_instance* pw_host_instance(const pw_host_call* call);

/* ---- Instances ------------------------------------------------------------------------------- */

/* How to build an instance. Zero-initialise it (`pw_instance_config cfg = {0};`): zero means
 * default everywhere. */
typedef struct pw_instance_config {
  void* buffer; /* the instance's buffer (PW_BUFFER_ALIGN-aligned is best); NULL only to ask
                 * pw_instance_size() for a bound valid at any address */
  size_t buffer_size;
  /* Imports are resolved by (module, name), first match wins. Imports of tables, memories and
   * globals cannot be satisfied through the C API (PW_ERR_UNLINKABLE). */
  const pw_host_function* host_functions;
  size_t num_host_functions;
  pw_limits limits; /* the instance fields apply */
  void* user;       /* pw_host_user() of every host function this instance calls */
} pw_instance_config;

/* Instance admission: exactly the bytes pw_instance_create(module, config) will use of
 * config->buffer (alignment padding included), after resolving and checking every import, so
 * firmware can refuse a module before touching its RAM. Depends on the buffer's address, not on
 * its size; with config->buffer == NULL an upper bound valid at any address. Bytes beyond it are
 * not wasted: trap reports use them to find bytecode offsets (without them a frame's
 * module_offset is PW_UNKNOWN_OFFSET). Errors: PW_ERR_UNLINKABLE (pw_error.import_*, code
 * unknown_import or incompatible_import), PW_ERR_BAD_ARGUMENT (bad table entry: pw_error.entry,
 * code config_*), PW_ERR_LIMIT (a table above limits.table_elems). *needed is 0 on failure. */
pw_status pw_instance_size(const pw_module* module, const pw_instance_config* config,
                           size_t* needed, pw_error* error);

/* Creates an instance in config->buffer: links imports, reserves memory, tables and stacks and
 * initialises segments. It runs no wasm code: a module's start function is run next by
 * pw_instance_start(), bounded by fuel. If the buffer is smaller than pw_instance_size() it fails
 * with PW_ERR_NO_SPACE without writing a byte of it. Errors: those of pw_instance_size(),
 * PW_ERR_NO_SPACE, and PW_ERR_TRAP when segment initialisation traps (the buffer may then be
 * reused). */
pw_status pw_instance_create(const pw_module* module, const pw_instance_config* config,
                             pw_instance** out, pw_error* error);

/* Ends the instance (a paused call is abandoned); its buffer is free afterwards. NULL is
 * ignored. */
void pw_instance_unload(pw_instance* instance);

/* The instance's linear memory [address, address + length), for the firmware between calls:
 * true and *out set if the range is inside the memory, false otherwise. */
bool pw_instance_memory(pw_instance* instance, uint32_t address, uint32_t length, uint8_t** out);

/* ---- Calls: fuel, pause, resume, interrupt --------------------------------------------------- */

/* Fuel that never runs out. Fuel counts safe points: every taken backward branch (loop
 * iteration) and every call costs 1; other instructions are free, and between two safe points a
 * function runs at most the instructions of its body. */
#define PW_FUEL_UNLIMITED UINT64_MAX

typedef enum pw_pause_reason {
  PW_PAUSE_NONE = 0,
  PW_PAUSE_OUT_OF_FUEL = 1, /* the fuel budget ran out */
  PW_PAUSE_INTERRUPTED = 2, /* pw_interrupt() was called */
  PW_PAUSE_HOST_YIELD = 3   /* a host function returned pw_host_yield() */
} pw_pause_reason;

typedef struct pw_call_result {
  pw_status status;      /* the value returned */
  pw_pause_reason pause; /* status PW_PAUSED: why */
  uint16_t trap_code;    /* status PW_ERR_TRAP/EXHAUSTION: the engine's code, and its name */
  const char* trap_name; /*   ("trap_int_div_by_zero", "trap_host", ...), else NULL */
  uint64_t fuel_used;    /* safe points passed during this call or resume */
} pw_call_result;

/* Calls the exported function `export_name` with `nargs` arguments (their types must match the
 * parameters exactly) and up to `fuel` safe points. Returns:
 *   PW_OK          returned; results[0..nresults) hold the results (nresults must equal the
 *                  function's result count);
 *   PW_PAUSED      stopped at a safe point (out->pause says why): pw_resume() or pw_abandon();
 *   PW_ERR_TRAP, PW_ERR_EXHAUSTION   trapped: pw_instance_trap() has the report;
 *   PW_ERR_NOT_FOUND (no such function), PW_ERR_SIGNATURE (counts or argument types differ),
 *   PW_ERR_STATE (the instance has a paused call), PW_ERR_BAD_ARGUMENT.
 * args/results may be NULL when their count is 0; out may be NULL.
 * From inside one of the instance's own host functions, pw_call() nests a call on the same
 * stacks (up to limits.host_call_depth levels, PW_ERR_EXHAUSTION beyond). A nested call cannot
 * stay paused: if it reports PW_PAUSED, it has already been abandoned. */
pw_status pw_call(pw_instance* instance, const char* export_name, const pw_value* args,
                  size_t nargs, pw_value* results, size_t nresults, uint64_t fuel,
                  pw_call_result* out);

/* Runs the module's start function (if any) with up to `fuel` safe points, like pw_call() of a
 * function without parameters or results: PW_OK once it has returned (at once if there is none or
 * it ran already), PW_PAUSED to be continued with pw_resume(instance, NULL, 0, fuel, out),
 * PW_ERR_TRAP / PW_ERR_EXHAUSTION if it trapped (pw_instance_trap() has the report). Until it has
 * returned, pw_call() fails with PW_ERR_STATE (code start_pending); after a trap, or
 * pw_abandon() of its paused run, the instance is unusable (PW_ERR_STATE, code instance_failed):
 * unload it. out may be NULL. */
pw_status pw_instance_start(pw_instance* instance, uint64_t fuel, pw_call_result* out);

/* Continues the paused call with a new fuel budget, exactly where it stopped: the results equal
 * those of an uninterrupted run. Returns as pw_call() does (nresults must equal the paused
 * function's result count); PW_ERR_STATE if nothing is paused. */
pw_status pw_resume(pw_instance* instance, pw_value* results, size_t nresults, uint64_t fuel,
                    pw_call_result* out);

/* Discards a paused call (nothing if none); the instance can be called again, unless the call was
 * its start function (see pw_instance_start()). */
void pw_abandon(pw_instance* instance);

bool pw_is_paused(const pw_instance* instance);

/* Asks the running (or next) call of the instance to pause at its next safe point with
 * PW_PAUSE_INTERRUPTED. Safe from an interrupt handler or another thread: it only stores one
 * byte. The request is cleared when the call pauses. */
void pw_interrupt(pw_instance* instance);

/* ---- Trap reports ---------------------------------------------------------------------------- */

#define PW_UNKNOWN_OFFSET 0xFFFFFFFFu

typedef struct pw_trap_report {
  uint16_t code; /* the engine's trap code and its name ("trap_unreachable", ...) */
  const char* code_name;
  const char* message;      /* spec wording ("unreachable", "integer divide by zero", ...) */
  const char* host_message; /* the message of pw_host_trap(), else NULL */
  uint32_t num_frames;      /* frames available through pw_instance_trap_frame() */
  uint32_t total_frames;    /* frames on the stack at the trap (may exceed num_frames) */
} pw_trap_report;

typedef struct pw_trap_frame {
  uint32_t function;      /* function index in the module */
  uint32_t module_offset; /* byte offset of the instruction in the module, or PW_UNKNOWN_OFFSET */
  const char* name;       /* from the module's name section, NOT NUL-terminated (name_len
                           * bytes, in the module bytes), or NULL */
  size_t name_len;
} pw_trap_frame;

/* The report of the last call's trap: true and *out filled if the last pw_call/pw_resume of the
 * instance trapped; false otherwise. Valid until the instance's next call. */
bool pw_instance_trap(const pw_instance* instance, pw_trap_report* out);

/* Frame `index` (0 = innermost: the trapping instruction) of the last trap; false when out of
 * range. */
bool pw_instance_trap_frame(const pw_instance* instance, uint32_t index, pw_trap_frame* out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PICOWASM_H */
