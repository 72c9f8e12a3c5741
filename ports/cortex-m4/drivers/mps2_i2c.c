/* I2C on mps2-an386: the SBCon two-wire controllers. An SBCon is only two open-drain lines under
 * software control (write 1 to CONTROLS to release a line high, to CONTROLC to pull it low; read
 * CONTROL for the line levels), so this driver bit-bangs the protocol: START, the address byte
 * with the R/W bit, the 9th clock for ACK/NACK, data bytes, a repeated START between the write
 * and read phases of write_read, and STOP. Standard mode timing (100 kHz) by busy-waiting; SCL
 * held low by a device (clock stretching) is waited for up to a limit, then it is a bus error. */
#include "mps2_hal.h"
#include "mps2_regs.h"

#define SCL 1u
#define SDA 2u
#define HALF_PERIOD_US 5u         /* 100 kHz */
#define LOOP_INSNS 4u             /* a busy-wait iteration, roughly, at one instruction a cycle */
#define STRETCH_LIMIT_LOOPS 2500u /* SCL held low longer than ~10 half periods: bus error */

static const uint32_t kBase[MPS2_I2C_BUSES] = {0x4002A000u, 0x40029000u, 0x40022000u, 0x40023000u};

typedef struct line {
  volatile uint32_t* control; /* read: levels; write: CONTROLS (release high) */
  volatile uint32_t* clear;   /* CONTROLC (pull low) */
  uint32_t loops;
} line;

static line bus_lines(const mps2_i2c* c, uint32_t bus) {
  line l;
  l.control = &MPS2_REG(kBase[bus]);
  l.clear = &MPS2_REG(kBase[bus] + 4u);
  l.loops = c->half_period_loops;
  return l;
}

static void pause(const line* l) {
  for (volatile uint32_t i = 0; i < l->loops; i = i + 1u) {
  }
}

static void release(const line* l, uint32_t lines) {
  *l->control = lines;
}
static void pull(const line* l, uint32_t lines) {
  *l->clear = lines;
}
static uint32_t levels(const line* l) {
  return *l->control & (SCL | SDA);
}

/* Releases SCL and waits for it to go high (a device may stretch the clock). */
static int32_t scl_high(const line* l) {
  release(l, SCL);
  for (uint32_t i = 0; !(levels(l) & SCL); ++i) {
    if (i == STRETCH_LIMIT_LOOPS) return PW_HAL_E_IO;
  }
  pause(l);
  return PW_HAL_OK;
}

/* One clock with SDA released or pulled; *sda receives the line level sampled while SCL is high:
 * the wired AND of our output and the devices' (QEMU's model reads back only the devices' side,
 * real hardware the line). */
static int32_t clock_bit(const line* l, uint32_t bit, uint32_t* sda) {
  if (bit) {
    release(l, SDA);
  } else {
    pull(l, SDA);
  }
  pause(l);
  int32_t s = scl_high(l);
  *sda = (levels(l) & SDA) ? bit : 0u;
  pull(l, SCL);
  return s;
}

/* START from an idle bus (both lines high), or a repeated START (SCL low, after a byte). */
static int32_t start(const line* l, bool repeated) {
  if (repeated) {
    release(l, SDA);
    pause(l);
    if (scl_high(l) != PW_HAL_OK) return PW_HAL_E_IO;
  }
  if (levels(l) != (SCL | SDA)) return PW_HAL_E_IO; /* a line held low: bus busy or stuck */
  pull(l, SDA);
  pause(l);
  pull(l, SCL);
  pause(l);
  return PW_HAL_OK;
}

static void stop(const line* l) {
  pull(l, SDA);
  pause(l);
  scl_high(l);
  release(l, SDA);
  pause(l);
}

/* Sends a byte MSB first, then reads the acknowledge bit: OK (ACK), NACK, or IO when SDA read
 * back low while released (another controller won arbitration). */
static int32_t write_byte(const line* l, uint8_t byte) {
  uint32_t sda;
  for (int32_t b = 7; b >= 0; --b) {
    const uint32_t bit = (byte >> b) & 1u;
    if (clock_bit(l, bit, &sda) != PW_HAL_OK || sda != bit) return PW_HAL_E_IO;
  }
  if (clock_bit(l, 1, &sda) != PW_HAL_OK) return PW_HAL_E_IO;
  return sda ? PW_HAL_E_NACK : PW_HAL_OK;
}

/* Reads a byte MSB first, then acknowledges it (ack) or not (the last byte of a read). */
static int32_t read_byte(const line* l, uint8_t* byte, bool ack) {
  uint32_t value = 0, sda;
  for (int32_t b = 0; b < 8; ++b) {
    if (clock_bit(l, 1, &sda) != PW_HAL_OK) return PW_HAL_E_IO;
    value = (value << 1) | sda;
  }
  *byte = (uint8_t)value;
  return clock_bit(l, ack ? 0u : 1u, &sda);
}

/* A write phase (wlen > 0), a read phase (rlen > 0), or both with a repeated START between. */
static int32_t transfer(void* ctx, uint32_t bus, uint32_t addr, const uint8_t* wdata, uint32_t wlen,
                        uint8_t* rbuf, uint32_t rlen) {
  if (bus >= MPS2_I2C_BUSES) return PW_HAL_E_NOT_PRESENT;
  const line l = bus_lines((const mps2_i2c*)ctx, bus);
  int32_t s = start(&l, false);
  if (s != PW_HAL_OK) return s;
  if (wlen > 0) {
    s = write_byte(&l, (uint8_t)(addr << 1));
    for (uint32_t i = 0; s == PW_HAL_OK && i < wlen; ++i) s = write_byte(&l, wdata[i]);
  }
  if (s == PW_HAL_OK && rlen > 0) {
    if (wlen > 0) s = start(&l, true);
    if (s == PW_HAL_OK) s = write_byte(&l, (uint8_t)((addr << 1) | 1u));
    for (uint32_t i = 0; s == PW_HAL_OK && i < rlen; ++i) s = read_byte(&l, &rbuf[i], i + 1 < rlen);
  }
  stop(&l);
  return s;
}

static int32_t i2c_write(void* ctx, uint32_t bus, uint32_t addr, const uint8_t* data,
                         uint32_t len) {
  return transfer(ctx, bus, addr, data, len, 0, 0);
}
static int32_t i2c_read(void* ctx, uint32_t bus, uint32_t addr, uint8_t* buf, uint32_t len) {
  return transfer(ctx, bus, addr, 0, 0, buf, len);
}

const pw_i2c_driver mps2_i2c_driver = {i2c_write, i2c_read, transfer};

void mps2_i2c_init(mps2_i2c* i2c) {
  i2c->half_period_loops = MPS2_SYSCLK_HZ / 1000000u * HALF_PERIOD_US / LOOP_INSNS;
  for (uint32_t bus = 0; bus < MPS2_I2C_BUSES; ++bus) {
    const line l = bus_lines(i2c, bus);
    release(&l, SCL | SDA);  // idle bus
  }
}
