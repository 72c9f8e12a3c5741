/* picowasm run records (docs/run-record.md): what one activation of an app did, as a plain C
 * struct in the caller's memory, usable from C and C++. An activation is one call, start or resume
 * of an app's instance (or a whole run of an app, for the CLI); the record holds its outcome, the
 * results or the trap report, the fuel and time it used, the instance's high-water marks, the HAL
 * calls, denials and rate-limit hits per capability class during it, and the app's UART and log
 * output during it, each from a bounded ring that keeps the newest bytes and counts the rest.
 *
 * The JSON form is docs/run-record.schema.json (the host CLI writes every `--json` run outcome in
 * it). Fields are only ever added: a reader keys on `version` and ignores what it does not know.
 *
 * From C++ (board layer), around one activation:
 *
 *   pw_run_record rec;
 *   board::record_begin(rec, &hal);                       // counters before, output cleared
 *   CallResult r = resume(*inst, slots, slice);           // the board's sinks append output:
 *                                                         //   pw_ring_append(&rec.uart, data, n)
 *   board::record_end(rec, *inst, r, &hal, type, slots);  // status, results/trap, deltas, marks
 *
 * No heap, no globals: everything is in the struct (about 1.3 KiB with the default bounds).
 */
#ifndef PICOWASM_RUN_RECORD_H
#define PICOWASM_RUN_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "picowasm/config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Layout version of pw_run_record and of the JSON record ("version"). */
#define PW_RUN_RECORD_VERSION 1u
/* A 64-bit quantity nobody measured (instructions on the host, time without a clock): JSON null. */
#define PW_RECORD_UNKNOWN UINT64_MAX
/* Capability classes counted: the HAL ABI's nine (pw_hal .. pw_log, in pw_hal.query's class
 * numbering) and the board's own classes after them. */
#define PW_RECORD_NUM_BUILTIN_CLASSES 9u
#define PW_RECORD_NUM_CLASSES (PW_RECORD_NUM_BUILTIN_CLASSES + PICOWASM_HAL_MAX_BOARD_CLASSES)

/* How the activation ended. The names (pw_run_status_name) are the JSON "status" values. */
typedef enum pw_run_status {
  PW_RUN_OK = 0,          /* "ok": the entry function returned (results, exit_code for pw_main) */
  PW_RUN_TRAP = 1,        /* "trap": trapped or exhausted its stacks (trap report) */
  PW_RUN_PAUSED = 2,      /* "paused": stopped at a safe point and can be resumed (pause reason) */
  PW_RUN_OUT_OF_FUEL = 3, /* "out_of_fuel": its whole fuel budget is used up (exhausted) */
  PW_RUN_KILLED = 4,      /* "killed": stopped by a watchdog (CPU budget per period exceeded) */
  PW_RUN_REVOKED = 5,     /* "revoked": ended by a revocation (trapped on a revoked capability) */
  PW_RUN_EXITED = 6,      /* "exited": a WASI command called proc_exit (exit_code) */
  PW_RUN_STALLED = 7,     /* "stalled": waits for something that will never come */
  PW_RUN_LINK_ERROR = 8,  /* "link_error": imports a capability class its grant lacks (message) */
  PW_RUN_LOAD_ERROR = 9   /* "load_error": the module does not load or instantiate (message) */
} pw_run_status;
#define PW_RUN_NUM_STATUSES 10u

/* Why a paused activation paused (JSON "pause_reason"); the values of pw_pause_reason. */
#define PW_RECORD_PAUSE_NONE 0u
#define PW_RECORD_PAUSE_OUT_OF_FUEL 1u
#define PW_RECORD_PAUSE_INTERRUPTED 2u
#define PW_RECORD_PAUSE_HOST_YIELD 3u

/* A bounded byte ring: keeps the newest PICOWASM_RECORD_OUTPUT_BYTES bytes written to it; `total`
 * counts every byte, so total > capacity means the oldest total - capacity bytes were dropped. */
typedef struct pw_ring {
  uint8_t bytes[PICOWASM_RECORD_OUTPUT_BYTES];
  uint64_t total;
} pw_ring;

static inline void pw_ring_clear(pw_ring* r) {
  r->total = 0;
}
static inline void pw_ring_append(pw_ring* r, const void* data, size_t n) {
  const uint8_t* p = (const uint8_t*)data;
  const size_t cap = PICOWASM_RECORD_OUTPUT_BYTES;
  if (n > cap) { /* only the last `cap` bytes can survive */
    r->total += n - cap;
    p += n - cap;
    n = cap;
  }
  size_t at = (size_t)(r->total % cap);
  size_t first = cap - at < n ? cap - at : n;
  memcpy(r->bytes + at, p, first);
  memcpy(r->bytes, p + first, n - first);
  r->total += n;
}
/* Whether bytes were dropped (the JSON "truncated" flag). */
static inline int pw_ring_truncated(const pw_ring* r) {
  return r->total > PICOWASM_RECORD_OUTPUT_BYTES;
}
/* Copies the kept bytes, oldest first, into out[0, PICOWASM_RECORD_OUTPUT_BYTES); their count. */
static inline size_t pw_ring_read(const pw_ring* r, uint8_t* out) {
  const size_t cap = PICOWASM_RECORD_OUTPUT_BYTES;
  if (r->total <= cap) {
    memcpy(out, r->bytes, (size_t)r->total);
    return (size_t)r->total;
  }
  const size_t at = (size_t)(r->total % cap);
  memcpy(out, r->bytes + at, cap - at);
  memcpy(out + (cap - at), r->bytes, at);
  return cap;
}

/* HAL calls of one capability class during the activation. */
typedef struct pw_record_class {
  uint32_t calls;        /* every call of the class */
  uint32_t denied;       /* answered DENIED or REVOKED */
  uint32_t rate_limited; /* answered RATE_LIMITED */
} pw_record_class;

/* One frame of a trap's backtrace, innermost first (picowasm::TrapFrame). */
typedef struct pw_record_frame {
  uint32_t function;      /* index in the module's function index space */
  uint32_t module_offset; /* byte offset of the instruction in the module, or 0xFFFFFFFF */
} pw_record_frame;

typedef struct pw_run_record {
  uint32_t version; /* PW_RUN_RECORD_VERSION */
  /* Who: the caller's names for the app (the supervisor's slot, a sequence number of its
   * activations, its app id as NUL-terminated text; empty, 0, 0 when unused). */
  char app[PICOWASM_RECORD_NAME_BYTES];
  uint32_t slot;
  uint32_t activation;

  pw_run_status status;
  uint32_t pause_reason; /* PW_RECORD_PAUSE_*: why a paused or stalled activation stopped */
  int32_t has_exit_code; /* exit_code is meaningful: pw_main's result (ok) or proc_exit (exited) */
  int32_t exit_code;

  /* status ok: the entry function's results (i32/f32 zero-extended, as CallResult slots), their
   * wasm types (0x7F i32, 0x7E i64, 0x7D f32, 0x7C f64); num_results is the function's count,
   * of which the first PICOWASM_RECORD_MAX_RESULTS are kept. */
  uint32_t num_results;
  uint8_t result_types[PICOWASM_RECORD_MAX_RESULTS];
  uint64_t results[PICOWASM_RECORD_MAX_RESULTS];

  /* status trap / revoked: the trap report. trap_code is the engine's ErrorCode (its name in
   * JSON); host_message the trapping host function's message, copied and cut to fit. */
  uint32_t trap_code;
  char host_message[PICOWASM_RECORD_MESSAGE_BYTES];
  uint32_t num_frames;   /* valid entries in frames[] */
  uint32_t total_frames; /* frames on the stack when it trapped (may exceed num_frames) */
  pw_record_frame frames[PICOWASM_RECORD_TRAP_FRAMES];

  /* What went wrong, in words, for link_error, load_error, stalled and killed (else empty). */
  char message[PICOWASM_RECORD_MESSAGE_BYTES];

  /* Costs of the activation. */
  uint64_t fuel_used;    /* safe points passed (calls and taken backward branches) */
  uint64_t time_us;      /* the board clock when it ended, or PW_RECORD_UNKNOWN */
  uint64_t elapsed_us;   /* board-clock time it took, or PW_RECORD_UNKNOWN */
  uint64_t instructions; /* CPU instructions it took, or PW_RECORD_UNKNOWN (the host CLI) */

  /* High-water marks of the instance since it was instantiated (or restored). */
  uint64_t memory_bytes;           /* accessible linear-memory bytes (memory never shrinks) */
  uint32_t stack_slots_high_water; /* value-stack slots (8 bytes each) ever in use */
  uint32_t stack_slots;            /* value-stack slots reserved */
  uint32_t call_depth_high_water;  /* deepest nesting of wasm calls */
  uint32_t call_depth;             /* nesting allowed */

  /* HAL calls per capability class during the activation, indexed by class number; classes past
   * PW_RECORD_NUM_BUILTIN_CLASSES + num_board_classes are unused. board_class_names[k] names board
   * class k by its import module's tail ("relay" for pw_board_relay; static strings). */
  uint32_t num_board_classes;
  const char* board_class_names[PICOWASM_HAL_MAX_BOARD_CLASSES];
  pw_record_class hal[PW_RECORD_NUM_CLASSES];

  /* The app's output during the activation: UART bytes it wrote, and its log records (each
   * record's text followed by '\n'). */
  pw_ring uart;
  pw_ring log;
} pw_run_record;

/* "ok", "trap", ... ("?" for a value outside the enum). */
static inline const char* pw_run_status_name(pw_run_status s) {
  static const char* const kNames[PW_RUN_NUM_STATUSES] = {
      "ok",      "trap",   "paused",  "out_of_fuel", "killed",
      "revoked", "exited", "stalled", "link_error",  "load_error"};
  return (unsigned)s < PW_RUN_NUM_STATUSES ? kNames[s] : "?";
}

/* Resets `rec` to an empty record of version PW_RUN_RECORD_VERSION: status ok, nothing used,
 * times and instructions unknown. */
static inline void pw_record_clear(pw_run_record* rec) {
  memset(rec, 0, sizeof *rec);
  rec->version = PW_RUN_RECORD_VERSION;
  rec->time_us = PW_RECORD_UNKNOWN;
  rec->elapsed_us = PW_RECORD_UNKNOWN;
  rec->instructions = PW_RECORD_UNKNOWN;
}

/* Copies NUL-terminated `text` into a fixed field of `size` bytes, cut to fit, NUL-terminated. */
static inline void pw_record_text(char* field, size_t size, const char* text) {
  size_t n = text ? strlen(text) : 0;
  if (n >= size) n = size - 1;
  if (n) memcpy(field, text, n);
  field[n] = '\0';
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#ifdef __cplusplus
#include "picowasm/board.hpp"

namespace picowasm {
namespace board {

using RunRecord = pw_run_record;

// Starts a record of one activation of the app whose HAL state is `hal` (may be null: an app
// without HAL): clears it (set app, slot and activation afterwards), notes the HAL counters so
// that record_end stores the calls made in between, and the board clock's time if the board has
// one (until record_end, hal[] and elapsed_us hold these starting values).
void record_begin(RunRecord& rec, const AppHal* hal);
// Completes it after the activation that returned `result`: the status (ok, trap, paused; a trap
// on a revoked capability is `revoked`), on ok the results of the called function of type `type`
// from `slots` (both may be null: no results kept), the trap report, the fuel used, the
// instance's high-water marks, the HAL counters since record_begin and the board clock. Callers
// that know more set it afterwards: out_of_fuel when the budget (not a slice) ran out, killed,
// exited with exit_code, stalled, instructions.
void record_end(RunRecord& rec, const Instance& instance, const CallResult& result,
                const AppHal* hal, const FuncType* type = nullptr, const uint64_t* slots = nullptr);

}  // namespace board
}  // namespace picowasm
#endif

#endif /* PICOWASM_RUN_RECORD_H */
