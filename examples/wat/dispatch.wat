;; A tiny state machine driven through a function table (call_indirect), with a mutable global
;; holding the state: the shape of a firmware event loop, and a test of tables and elem segments.
(module
  (type $handler (func (param i32) (result i32)))
  (import "env" "log_state" (func $log_state (param i32)))

  (table 3 funcref)
  (elem (i32.const 0) $idle $running $stopped)
  (global $state (mut i32) (i32.const 0))

  ;; Each handler gets the event and returns the next state (0 idle, 1 running, 2 stopped).
  (func $idle (type $handler)
    (select (i32.const 1) (i32.const 0) (i32.eq (local.get 0) (i32.const 1))))
  (func $running (type $handler)
    (select (i32.const 2) (i32.const 1) (i32.eq (local.get 0) (i32.const 2))))
  (func $stopped (type $handler)
    (i32.const 2))

  ;; Feeds one event to the current state's handler and returns the new state.
  (func (export "step") (param $event i32) (result i32)
    (global.set $state
      (call_indirect (type $handler) (local.get $event) (global.get $state)))
    (call $log_state (global.get $state))
    (global.get $state))

  (func (export "state") (result i32) (global.get $state)))
