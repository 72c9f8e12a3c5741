// picowasm compile-time configuration: every bound the engine imposes lives here.
//
// Each limit is a named constant with a documented default. Override any of them from the build
// (e.g. -DPICOWASM_MAX_LOCALS=1000). Hitting a limit is never a crash: the decoder/validator
// returns the specific ErrorCode named beside each constant (see error.h).
#ifndef PICOWASM_CONFIG_H
#define PICOWASM_CONFIG_H

// ---- Module shape (decoder) -------------------------------------------------------------------
// Defaults follow the limits web engines agree on, so any module produced for the web loads here;
// firmware builds usually lower them.

// Number of entries in the type section.                         -> ErrorCode::limit_types
#ifndef PICOWASM_MAX_TYPES
#define PICOWASM_MAX_TYPES 1000000u
#endif
// Parameters or results of one function type.                    -> ErrorCode::limit_params
#ifndef PICOWASM_MAX_PARAMS
#define PICOWASM_MAX_PARAMS 1000u
#endif
// Functions, imported and defined together.                      -> ErrorCode::limit_functions
#ifndef PICOWASM_MAX_FUNCTIONS
#define PICOWASM_MAX_FUNCTIONS 1000000u
#endif
// Imports, and separately exports.                               ->
// ErrorCode::limit_imports/exports
#ifndef PICOWASM_MAX_IMPORTS
#define PICOWASM_MAX_IMPORTS 100000u
#endif
#ifndef PICOWASM_MAX_EXPORTS
#define PICOWASM_MAX_EXPORTS 100000u
#endif
// Globals, imported and defined together.                        -> ErrorCode::limit_globals
#ifndef PICOWASM_MAX_GLOBALS
#define PICOWASM_MAX_GLOBALS 1000000u
#endif
// Tables, imported and defined together.                         -> ErrorCode::limit_tables
#ifndef PICOWASM_MAX_TABLES
#define PICOWASM_MAX_TABLES 100000u
#endif
// Element segments, and separately data segments.                -> ErrorCode::limit_segments
#ifndef PICOWASM_MAX_ELEM_SEGMENTS
#define PICOWASM_MAX_ELEM_SEGMENTS 10000000u
#endif
#ifndef PICOWASM_MAX_DATA_SEGMENTS
#define PICOWASM_MAX_DATA_SEGMENTS 100000u
#endif
// Declared locals of one function, parameters excluded.          -> ErrorCode::limit_locals
#ifndef PICOWASM_MAX_LOCALS
#define PICOWASM_MAX_LOCALS 50000u
#endif
// Bytes of one function body.                                    -> ErrorCode::limit_body_size
#ifndef PICOWASM_MAX_BODY_SIZE
#define PICOWASM_MAX_BODY_SIZE 7654321u
#endif
// Labels of one br_table (default label excluded).               -> ErrorCode::limit_br_table
#ifndef PICOWASM_MAX_BR_TABLE
#define PICOWASM_MAX_BR_TABLE 65520u
#endif

// ---- Post-2.0 proposals --------------------------------------------------------------------------
// Each proposal the engine implements can be compiled out (0) to save flash; compiled in, a module
// may use it unless its ModuleConfig disables it (ModuleConfig::disabled_features).

// extended-const: i32/i64 add, sub and mul in constant expressions (global initialisers and
// segment offsets).
#ifndef PICOWASM_FEATURE_EXTENDED_CONST
#define PICOWASM_FEATURE_EXTENDED_CONST 1
#endif
// tail-call: return_call and return_call_indirect, which replace the caller's frame instead of
// pushing one (tail recursion runs in constant call-stack space).
#ifndef PICOWASM_FEATURE_TAIL_CALL
#define PICOWASM_FEATURE_TAIL_CALL 1
#endif
// custom-page-sizes: a memory may declare 1-byte pages (limits flag bit 3, page-size exponent 0)
// instead of 64 KiB ones, so a module can ask for exactly the few KiB it needs.
#ifndef PICOWASM_FEATURE_CUSTOM_PAGE_SIZES
#define PICOWASM_FEATURE_CUSTOM_PAGE_SIZES 1
#endif
// multi-memory: several memories per module; memory instructions name theirs by index (memory 0
// keeps its own translated operations, so single-memory code runs exactly as fast).
#ifndef PICOWASM_FEATURE_MULTI_MEMORY
#define PICOWASM_FEATURE_MULTI_MEMORY 1
#endif
// Memories, imported and defined together (one pointer and one memory instance each per
// instance).                                                      -> ErrorCode::limit_memories
#ifndef PICOWASM_MAX_MEMORIES
#define PICOWASM_MAX_MEMORIES 100u
#endif
// Values a constant expression may stack up (extended-const arithmetic nests them).
//                                                                 -> ErrorCode::limit_operand_stack
#ifndef PICOWASM_MAX_CONST_EXPR_STACK
#define PICOWASM_MAX_CONST_EXPR_STACK 16u
#endif
// Snapshots store linear memory in chunks of this many bytes, leaving out chunks that are all
// zero (a power of two, at least 8): smaller chunks elide more, at one bitmap bit per chunk.
#ifndef PICOWASM_SNAPSHOT_CHUNK_BYTES
#define PICOWASM_SNAPSHOT_CHUNK_BYTES 256u
#endif

// ---- Optional parts of the engine --------------------------------------------------------------
// Each is on (1) by default, the complete engine; a board short of flash may compile one out (0).
// scripts/footprint.sh prints what each costs on Cortex-M4.

// Fused forms: the translator merges frequent sequences into one operation (an i32/i64 operation
// with a constant operand, an i32 comparison and the branch on it, a load or store at `x + C`).
// Off, it emits the plain operations (same results and fuel, more instructions dispatched) and the
// interpreter leaves out their handlers.
#ifndef PICOWASM_FEATURE_FUSED_FORMS
#define PICOWASM_FEATURE_FUSED_FORMS 1
#endif
// Trap backtraces: a trap report lists the calls in progress, each with the wasm byte offset of
// its instruction (found by re-translating the function). Off, it names the trapping function
// only, with offset TrapFrame::kUnknownOffset.
#ifndef PICOWASM_FEATURE_TRAP_BACKTRACE
#define PICOWASM_FEATURE_TRAP_BACKTRACE 1
#endif
// Bulk-memory instructions (memory.init/copy/fill, data.drop, table.init/copy, elem.drop) and
// reference-type instructions (ref.null/is_null/func, table.get/set/size/grow/fill, typed select)
// in function bodies. Off, validation refuses a function using one (unsupported_bulk_memory,
// unsupported_reference_types); segments, tables and call_indirect work as before.
#ifndef PICOWASM_FEATURE_BULK_MEMORY
#define PICOWASM_FEATURE_BULK_MEMORY 1
#endif
#ifndef PICOWASM_FEATURE_REFERENCE_TYPES
#define PICOWASM_FEATURE_REFERENCE_TYPES 1
#endif

// ---- Validation working set ------------------------------------------------------------------
// The validator borrows scratch space from the caller's arena for these two stacks and returns it
// afterwards; their size is (operand entries * 1 byte) + (control entries * sizeof(CtrlFrame)).

// Operand stack height within one function.                      -> ErrorCode::limit_operand_stack
#ifndef PICOWASM_MAX_OPERAND_STACK
#define PICOWASM_MAX_OPERAND_STACK 16384u
#endif
// Nesting depth of block/loop/if within one function.            -> ErrorCode::limit_control_depth
#ifndef PICOWASM_MAX_CONTROL_DEPTH
#define PICOWASM_MAX_CONTROL_DEPTH 1024u
#endif

// ---- Execution ---------------------------------------------------------------------------------
// Safe points: fuel accounting and interrupt checks at taken backward branches and calls
// (include/picowasm/picowasm.hpp). Set to 0 to compile them out entirely: calls then never pause.
#ifndef PICOWASM_SAFE_POINTS
#define PICOWASM_SAFE_POINTS 1
#endif

// ---- Run-time limits an embedder may configure (include/picowasm/picowasm.hpp, ResourceLimits) ----
// Upper bounds for the values a configuration may ask for: a larger request is a configuration
// error (ErrorCode::config_bad_limit), caught by check_config() before anything is allocated.

// Defaults for the ResourceLimits fields left at zero, sized for a microcontroller: an instance
// reserves 16 KiB of value stack, 256 call frames (12 bytes each on a 32-bit core) and 8 trap
// frames beside its linear memory. Raise them per instance for deeply recursive code.
#ifndef PICOWASM_DEFAULT_STACK_BYTES
#define PICOWASM_DEFAULT_STACK_BYTES (16u << 10)
#endif
#ifndef PICOWASM_DEFAULT_CALL_DEPTH
#define PICOWASM_DEFAULT_CALL_DEPTH 256u
#endif
#ifndef PICOWASM_DEFAULT_HOST_CALL_DEPTH
#define PICOWASM_DEFAULT_HOST_CALL_DEPTH 4u
#endif
#ifndef PICOWASM_DEFAULT_TRACE_FRAMES
#define PICOWASM_DEFAULT_TRACE_FRAMES 8u
#endif

// Value stack bytes of one instance (ResourceLimits::stack_bytes).
#ifndef PICOWASM_MAX_STACK_BYTES
#define PICOWASM_MAX_STACK_BYTES (256u << 20)
#endif
// Nesting of wasm calls (ResourceLimits::call_depth).
#ifndef PICOWASM_MAX_CALL_DEPTH
#define PICOWASM_MAX_CALL_DEPTH 1000000u
#endif
// Frames kept in a trap report's backtrace (ResourceLimits::trace_frames).
#ifndef PICOWASM_MAX_TRACE_FRAMES
#define PICOWASM_MAX_TRACE_FRAMES 4096u
#endif

// ---- Caller buffers -----------------------------------------------------------------------------
// Alignment of the module and instance buffers a caller provides (PW_BUFFER_ALIGN in picowasm.h):
// module_size() and instance_size() count for a buffer aligned to it. A power of two, at least 8.
#ifndef PICOWASM_BUFFER_ALIGN
#define PICOWASM_BUFFER_ALIGN 16u
#endif
// Alignment of each linear memory's data inside its instance buffer: a cache line, so that ports
// can map memory data efficiently. A power of two, at least 8.
#ifndef PICOWASM_MEMORY_ALIGN
#define PICOWASM_MEMORY_ALIGN 64u
#endif

// ---- Interpreter (src/exec/interpreter.cpp, docs/interpreter.md) ------------------------------
// Dispatch: computed goto through a const table of label addresses (PICOWASM_COMPUTED_GOTO 1,
// speed builds) or one switch (0). Size builds (-Os) use the switch: one shared jump instead of
// one per handler saves about 3 KB of flash on Cortex-M4. -DPICOWASM_SWITCH_DISPATCH forces the
// switch; -DPICOWASM_GOTO_DISPATCH gives a size build computed goto (Cortex-M4 -Os: +3.1 KB of
// interpreter code, benchmark geomean 12.48 -> 11.28). The engine needs GCC or Clang either way
// (builtins: docs/porting.md).
#if (defined(__GNUC__) || defined(__clang__)) && !defined(PICOWASM_SWITCH_DISPATCH) && \
    (!defined(__OPTIMIZE_SIZE__) || defined(PICOWASM_GOTO_DISPATCH))
#define PICOWASM_COMPUTED_GOTO 1
#else
#define PICOWASM_COMPUTED_GOTO 0
#endif
// Fuel a safe point counts in 32 bits before it refills from the 64-bit reserve. The test
// fuel_resume_equivalence_refill builds the engine with 3, so that refills happen all the time.
#ifndef PICOWASM_FUEL_CHUNK
#define PICOWASM_FUEL_CHUNK 0xFFFFFFFFu
#endif

// ---- Strings -----------------------------------------------------------------------------------
// Text names of opcodes (OpInfo::name, e.g. "i32.add") and identifiers of error codes
// (error_code_name(), e.g. "type_mismatch") are for tools and logs; microcontroller builds leave
// them out by default to save flash (opcode names become "", identifiers "?"). Error messages
// (error_message()) are always kept.
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define PICOWASM_DEFAULT_NAMES 0
#else
#define PICOWASM_DEFAULT_NAMES 1
#endif
#ifndef PICOWASM_OPCODE_NAMES
#define PICOWASM_OPCODE_NAMES PICOWASM_DEFAULT_NAMES
#endif
#ifndef PICOWASM_ERROR_NAMES
#define PICOWASM_ERROR_NAMES PICOWASM_DEFAULT_NAMES
#endif

// ---- Board layer (board/: the HAL host functions, docs/hal-abi.md) ----------------------------
// Bounds of the HAL ABI and of the per-app HAL state (picowasm::board::AppHal).

// HAL ABI version answered by pw_hal.abi_version: (major << 16) | minor.
#define PICOWASM_HAL_ABI_VERSION 0x00010000
// Bytes of one I2C/SPI/UART transfer or log record (longer is PW_HAL_E_INVALID).
#ifndef PICOWASM_HAL_MAX_TRANSFER
#define PICOWASM_HAL_MAX_TRANSFER 256u
#endif
// GPIO pins a board may have: the per-app pin state is two bits per pin.
#ifndef PICOWASM_HAL_MAX_PINS
#define PICOWASM_HAL_MAX_PINS 64u
#endif
// SPI chip selects per bus, PWM and ADC channels (grants hold them as 32-bit masks; fixed).
#define PICOWASM_HAL_MAX_MASK_BITS 32u
// Board-specific capability classes (pw_board_<name>) one board may register: per-app counters
// and grant masks are kept for each (at most 23: revocation bits share one 32-bit word).
#ifndef PICOWASM_HAL_MAX_BOARD_CLASSES
#define PICOWASM_HAL_MAX_BOARD_CLASSES 4u
#endif

// ---- WASI (wasi/, docs/wasi.md) ---------------------------------------------------------------
// Files and directories a WASI command may hold open at once on the host CLI (`run --dir`),
// the preopened directories included: fds 3 .. 3 + this - 1; one more open is EMFILE.
#ifndef PICOWASM_WASI_MAX_FILES
#define PICOWASM_WASI_MAX_FILES 32u
#endif

// ---- Run records (board/include/picowasm/run_record.h, docs/run-record.md) -------------------
// Bytes of the app's UART output, and of its log output, one record keeps (the newest; the rest
// are counted as dropped).
#ifndef PICOWASM_RECORD_OUTPUT_BYTES
#define PICOWASM_RECORD_OUTPUT_BYTES 256u
#endif
// Bytes of a record's app name, and of its message and trap host message (NUL included).
#ifndef PICOWASM_RECORD_NAME_BYTES
#define PICOWASM_RECORD_NAME_BYTES 32u
#endif
#ifndef PICOWASM_RECORD_MESSAGE_BYTES
#define PICOWASM_RECORD_MESSAGE_BYTES 96u
#endif
// Results, and trap backtrace frames, one record keeps.
#ifndef PICOWASM_RECORD_MAX_RESULTS
#define PICOWASM_RECORD_MAX_RESULTS 4u
#endif
#ifndef PICOWASM_RECORD_TRAP_FRAMES
#define PICOWASM_RECORD_TRAP_FRAMES 8u
#endif

// ---- App packages (package/: signed manifests, docs/lifecycle.md) ----------------------------
// A package is a module with one custom section of this name holding a COSE_Sign1 structure
// whose payload is the manifest. The parser reads it in place with no heap; every bound here is
// checked before anything is stored (a larger value is a typed error naming the field).

// Bytes of the package section's payload (COSE_Sign1: headers, manifest, signature).
#ifndef PICOWASM_PKG_MAX_SECTION_BYTES
#define PICOWASM_PKG_MAX_SECTION_BYTES 1024u
#endif
// Bytes of the manifest (the COSE payload) within it.
#ifndef PICOWASM_PKG_MAX_MANIFEST_BYTES
#define PICOWASM_PKG_MAX_MANIFEST_BYTES 768u
#endif
// Bytes of an app id (UTF-8 text, at least 1).
#ifndef PICOWASM_PKG_MAX_APP_ID
#define PICOWASM_PKG_MAX_APP_ID 32u
#endif
// Entries a manifest may request: GPIO pin ranges, I2C buses, SPI buses, UART ports.
#ifndef PICOWASM_PKG_MAX_GPIO
#define PICOWASM_PKG_MAX_GPIO 8u
#endif
#ifndef PICOWASM_PKG_MAX_I2C
#define PICOWASM_PKG_MAX_I2C 4u
#endif
#ifndef PICOWASM_PKG_MAX_SPI
#define PICOWASM_PKG_MAX_SPI 4u
#endif
#ifndef PICOWASM_PKG_MAX_UART
#define PICOWASM_PKG_MAX_UART 4u
#endif
// 7-bit addresses listed for one I2C bus.
#ifndef PICOWASM_PKG_MAX_I2C_ADDRS
#define PICOWASM_PKG_MAX_I2C_ADDRS 16u
#endif
// Bytes of the static pool mbedTLS allocates from during one signature verification on a device
// (package::VerifyContext, picowasm/verify_pool.hpp): the high-water mark of an ECDSA P-256
// verification (package.verify_pool measures it) with a margin.
#ifndef PICOWASM_PKG_VERIFY_POOL_BYTES
#define PICOWASM_PKG_VERIFY_POOL_BYTES 12288u
#endif

// ---- Supervisor (supervisor/: several apps on one core, docs/supervisor.md) -------------------
// App slots one supervisor may own (the caller's array may be smaller).
#ifndef PICOWASM_SUPERVISOR_MAX_APPS
#define PICOWASM_SUPERVISOR_MAX_APPS 16u
#endif
// Default fuel per turn (the scheduling quantum): the watchdog reacts within one slice.
#ifndef PICOWASM_SUPERVISOR_DEFAULT_SLICE_FUEL
#define PICOWASM_SUPERVISOR_DEFAULT_SLICE_FUEL 1000u
#endif
// Default watchdog period (microseconds of the board clock) over which the fuel budget counts.
#ifndef PICOWASM_SUPERVISOR_DEFAULT_PERIOD_US
#define PICOWASM_SUPERVISOR_DEFAULT_PERIOD_US 1000000u
#endif
// Default restart back-off: the first delay, doubled per restart up to the maximum.
#ifndef PICOWASM_SUPERVISOR_DEFAULT_BACKOFF_US
#define PICOWASM_SUPERVISOR_DEFAULT_BACKOFF_US 100000u
#endif
#ifndef PICOWASM_SUPERVISOR_DEFAULT_BACKOFF_MAX_US
#define PICOWASM_SUPERVISOR_DEFAULT_BACKOFF_MAX_US 60000000u
#endif

// ---- Semantic limits fixed by the specification ----------------------------------------------
#define PICOWASM_PAGE_SIZE 65536u
#define PICOWASM_PAGE_SIZE_LOG2 16u
#define PICOWASM_MAX_MEMORY_PAGES 65536u  // 4 GiB address space of wasm32
// custom-page-sizes: a memory of 1-byte pages has at most 2^32 - 1 of them (memory.size is an i32).
#define PICOWASM_MAX_BYTE_PAGES 0xFFFFFFFFu

#endif  // PICOWASM_CONFIG_H
