;; The board-specific class example: a guest of the virtual board's relay bank (pw_board_relay).
;; pw_main switches relays 0 and 2 on, tries relay 1 and relay 5, and returns
;;   get(0) + 2*get(2) + 4*(set(1) == DENIED) + 8*(set(5) == NOT_PRESENT)
;; so granted board:relay:0,2 it returns 15, granted all relays 11.
(module
  (import "pw_board_relay" "set" (func $set (param i32 i32) (result i32)))
  (import "pw_board_relay" "get" (func $get (param i32) (result i32)))
  (func (export "pw_main") (result i32)
    (drop (call $set (i32.const 0) (i32.const 1)))
    (drop (call $set (i32.const 2) (i32.const 1)))
    (i32.add
      (i32.add (call $get (i32.const 0)) (i32.mul (call $get (i32.const 2)) (i32.const 2)))
      (i32.add
        (i32.mul (i32.eq (call $set (i32.const 1) (i32.const 1)) (i32.const -1)) (i32.const 4))
        (i32.mul (i32.eq (call $set (i32.const 5) (i32.const 1)) (i32.const -3)) (i32.const 8))))))
