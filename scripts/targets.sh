# The bare-metal targets, in one place (sourced by bench/cortex-m/cross-build.sh, qemu_smoke.sh,
# scripts/run-qemu.sh and scripts/sizes.sh; docs/porting.md).
#   picowasm_target TARGET   sets, for cortex_m4|cortex_m3|cortex_m33|cortex_m7|cortex_m0|riscv32:
#     target_toolchain  toolchain file under cmake/       target_cmake_args  its -D options (array)
#     target_suffix     firmware name suffix (bench-smoke-<suffix>; ports/common/firmware.cmake)
#     target_qemu       QEMU command line for the board, without -kernel (array)
#     target_size       the toolchain's `size`
#   and returns 1 (with a message) for an unknown target.
picowasm_targets=(cortex_m4 cortex_m3 cortex_m33 cortex_m7 cortex_m0 riscv32)

picowasm_target() {
  local arm_semihosting=(-semihosting-config enable=on,target=native)
  target_cmake_args=()
  target_size=arm-none-eabi-size
  target_toolchain=arm-none-eabi-gcc.cmake
  case "$1" in
    cortex_m4)
      target_cmake_args=(-DPICOWASM_ARM_CPU=cortex-m4) target_suffix=m4
      target_qemu=(qemu-system-arm -M mps2-an386 "${arm_semihosting[@]}") ;;
    cortex_m3)
      target_cmake_args=(-DPICOWASM_ARM_CPU=cortex-m3) target_suffix=m3
      target_qemu=(qemu-system-arm -M mps2-an385 "${arm_semihosting[@]}") ;;
    cortex_m33)
      target_cmake_args=(-DPICOWASM_ARM_CPU=cortex-m33) target_suffix=m33
      target_qemu=(qemu-system-arm -M mps2-an505 "${arm_semihosting[@]}") ;;
    cortex_m7)
      # AN500: the AN386's peripherals, a double-precision FPU (ports/cortex-m4/mps2_an500.ld).
      target_cmake_args=(-DPICOWASM_ARM_CPU=cortex-m7) target_suffix=m7
      target_qemu=(qemu-system-arm -M mps2-an500 "${arm_semihosting[@]}") ;;
    cortex_m0)
      # nRF51822 (micro:bit): 16 KiB of RAM; the port builds the small-memory firmware variants.
      target_cmake_args=(-DPICOWASM_ARM_CPU=cortex-m0) target_suffix=m0
      target_qemu=(qemu-system-arm -M microbit "${arm_semihosting[@]}") ;;
    riscv32)
      target_toolchain=riscv32-unknown-elf-gcc.cmake target_suffix=rv32
      target_size=riscv64-unknown-elf-size
      # -bios none: no OpenSBI; QEMU's reset code jumps straight to the ELF's entry at 0x80000000.
      target_qemu=(qemu-system-riscv32 -M virt -bios none) ;;
    *)
      echo "unknown target '$1' (expected: ${picowasm_targets[*]})" >&2
      return 1 ;;
  esac
}
