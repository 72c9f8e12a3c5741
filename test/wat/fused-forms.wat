;; fused_forms_test.cpp
(module
  (memory 1)
  (data (i32.const 0) "\00\01\02\f0\04\05\06\07\08\09\7f")
  (data (i32.const 16) "123456789")
  (data (i32.const 32) "\00\00\00\00\00\00\f8\3f\00\00\00\00\00\00\d0\3f")
  (data (i32.const 48) "\05\00\00\00")
  (func (export "mul8") (param i32 i32) (result i32)
    local.get 0 i32.const 3 i32.add i32.load8_s
    local.get 1 i32.load8_s
    i32.mul)
  (func (export "madd") (param i32 f64) (result f64)
    local.get 1 local.get 0 f64.load f64.mul
    local.get 0 i32.const 8 i32.add f64.load f64.add)
  (func (export "addload") (param i32 i32) (result i32)
    local.get 1 local.get 0 i32.load i32.add)
  (func (export "sigma0") (param i32) (result i32)
    local.get 0 i32.const 30 i32.rotl local.get 0 i32.const 19 i32.rotl i32.xor
    local.get 0 i32.const 10 i32.rotl i32.xor)
  (func (export "modbus") (param i32 i32) (result i32) (local i32 i32 i32)
    i32.const 0xffff local.set 2
    block loop
      local.get 1 i32.eqz br_if 1
      local.get 2 local.get 0 i32.load8_u i32.xor local.set 2
      i32.const 8 local.set 3
      loop
        local.get 2 i32.const 1 i32.shr_u local.tee 4
        i32.const 0xa001 i32.xor
        local.get 4
        local.get 2 i32.const 1 i32.and
        select
        local.set 2
        local.get 3 i32.const -1 i32.add local.tee 3 br_if 0
      end
      local.get 0 i32.const 1 i32.add local.set 0
      local.get 1 i32.const -1 i32.add local.set 1
      br 0
    end end
    local.get 2)
  (func (export "ccitt") (param i32 i32) (result i32) (local i32 i32 i32)
    i32.const 0xffff local.set 2
    block loop
      local.get 1 i32.eqz br_if 1
      local.get 2 local.get 0 i32.load8_u i32.const 8 i32.shl i32.xor local.set 2
      i32.const 8 local.set 3
      loop
        local.get 2 i32.const 1 i32.shl i32.const 0xfffe i32.and local.tee 4
        i32.const 0x1021 i32.xor
        local.get 4
        local.get 2 i32.const 0x8000 i32.and
        select
        local.set 2
        local.get 3 i32.const -1 i32.add local.tee 3 br_if 0
      end
      local.get 0 i32.const 1 i32.add local.set 0
      local.get 1 i32.const -1 i32.add local.set 1
      br 0
    end end
    local.get 2)
  (func (export "sum") (param i32) (result i32) (local i32)
    i32.const 0 local.set 1
    loop
      local.get 1 local.get 0 i32.add local.set 1
      local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0
    end
    local.get 1)
  (func (export "reset_param") (param i32) (result i32)
    i32.const 0 local.set 0 local.get 0))
