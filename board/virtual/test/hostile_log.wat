;; Logs text with terminal control sequences (ESC [2J clears a screen, ESC ]0; sets a window title,
;; BEL) and writes the same bytes to UART 0. The CLI must escape the log record; the UART bytes
;; are the app's output and pass through unchanged.
(module
  (import "pw_log" "write" (func $log (param i32 i32 i32) (result i32)))
  (import "pw_uart" "write" (func $uart (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\1b[2J\1b]0;pwned\07evil")
  (func (export "pw_main") (result i32)
    (drop (call $log (i32.const 2) (i32.const 16) (i32.const 18)))
    (drop (call $uart (i32.const 0) (i32.const 16) (i32.const 18)))
    (i32.const 0)))
