;; CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bit by bit so no table is needed.
;; The caller writes bytes into the exported memory and calls crc32(ptr, len);
;; check() returns the CRC of the standard test string "123456789", which must be 0xCBF43926.
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "123456789")

  (func $crc32 (export "crc32") (param $ptr i32) (param $len i32) (result i32)
    (local $crc i32) (local $end i32) (local $bit i32)
    (local.set $crc (i32.const -1))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $byte
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $crc (i32.xor (local.get $crc) (i32.load8_u (local.get $ptr))))
        (local.set $bit (i32.const 8))
        (loop $shift
          ;; crc = (crc >> 1) ^ (0xEDB88320 & -(crc & 1))
          (local.set $crc
            (i32.xor
              (i32.shr_u (local.get $crc) (i32.const 1))
              (i32.and (i32.const 0xEDB88320)
                       (i32.sub (i32.const 0) (i32.and (local.get $crc) (i32.const 1))))))
          (local.set $bit (i32.sub (local.get $bit) (i32.const 1)))
          (br_if $shift (local.get $bit)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $byte)))
    (i32.xor (local.get $crc) (i32.const -1)))

  (func (export "check") (result i32)
    (call $crc32 (i32.const 0) (i32.const 9))))
