/* SPI on mps2-an386: the PL022 synchronous serial ports as SPI controllers, 8-bit Motorola frames,
 * full duplex through the 8-entry FIFOs. Each bus has one device select, the nCS line the AN386
 * FPGA routes through the FPGAIO MISC register (active low); the PL022's own SSPFSSOUT would
 * deassert between frames, which no SPI flash tolerates.
 *
 * QEMU 7.2 keeps the MISC bits as plain storage and does not connect them to the SSI bus, so an
 * attached device (m25p80) never sees its chip select change: it is selected from reset on and a
 * command it has not finished carries into the next transfer. See ports/cortex-m4/README.md. */
#include "mps2_hal.h"
#include "mps2_regs.h"

#define PL022_CR0 0x00u
#define PL022_CR1 0x04u
#define PL022_DR 0x08u
#define PL022_SR 0x0Cu
#define PL022_CPSR 0x10u
#define CR0_8BIT 0x7u /* DSS: data size - 1 */
#define CR0_SPO 0x40u /* CPOL */
#define CR0_SPH 0x80u /* CPHA */
#define CR1_SSE 0x2u  /* enable, controller mode (MS = 0) */
#define SR_TNF 0x2u
#define SR_RNE 0x4u
#define SR_BSY 0x10u
#define FIFO_DEPTH 8u
#define SSPCLK_HZ MPS2_SYSCLK_HZ
#define MAX_CPSDVSR 254u /* even, 2..254 */
#define MAX_SCR 255u
#define STALL_LIMIT 100000u /* status polls without progress before it is a device error */

static const uint32_t kBase[MPS2_SPI_BUSES] = {0x40027000u, 0x40026000u, 0x40025000u, 0x40020000u,
                                               0x40021000u};
/* FPGAIO MISC bit of each bus's nCS: SHIELD_1_SPI_nCS, SHIELD_0_SPI_nCS, ADC_SPI_nCS, SPI_nSS,
 * CLCD_CS. */
static const uint8_t kCsBit[MPS2_SPI_BUSES] = {9, 8, 7, 1, 0};

#define REG(bus, off) MPS2_REG(kBase[bus] + (off))

/* SSPCLK / (CPSDVSR * (1 + SCR)) <= hz, as fast as that allows. */
static int32_t divisors(uint32_t hz, uint8_t* cpsdvsr, uint8_t* scr) {
  if (hz > SSPCLK_HZ / 2u) return PW_HAL_E_NOT_SUPPORTED;
  for (uint32_t pre = 2; pre <= MAX_CPSDVSR; pre += 2) {
    const uint32_t total = (SSPCLK_HZ + pre * hz - 1u) / (pre * hz); /* = 1 + SCR, rounded up */
    if (total <= MAX_SCR + 1u) {
      *cpsdvsr = (uint8_t)pre;
      *scr = (uint8_t)(total - 1u);
      return PW_HAL_OK;
    }
  }
  return PW_HAL_E_NOT_SUPPORTED; /* below SSPCLK / (254 * 256), about 385 Hz */
}

static int32_t spi_configure(void* ctx, uint32_t bus, uint32_t cs, uint32_t mode, uint32_t hz) {
  mps2_spi* s = (mps2_spi*)ctx;
  if (bus >= MPS2_SPI_BUSES || cs != 0) return PW_HAL_E_NOT_PRESENT;
  if (mode > 3) return PW_HAL_E_INVALID;
  uint8_t pre, scr;
  const int32_t status = divisors(hz, &pre, &scr);
  if (status != PW_HAL_OK) return status;
  s->cr0[bus] = (uint16_t)(((uint32_t)scr << 8) | ((mode & 2u) ? CR0_SPO : 0u) |
                           ((mode & 1u) ? CR0_SPH : 0u) | CR0_8BIT);
  s->cpsr[bus] = pre;
  return PW_HAL_OK;
}

static void select(uint32_t bus, bool on) {
  const uint32_t bit = 1u << kCsBit[bus];
  MPS2_FPGAIO_MISC = on ? (MPS2_FPGAIO_MISC & ~bit) : (MPS2_FPGAIO_MISC | bit);
}

static int32_t spi_transfer(void* ctx, uint32_t bus, uint32_t cs, const uint8_t* tx, uint8_t* rx,
                            uint32_t len) {
  const mps2_spi* s = (const mps2_spi*)ctx;
  if (bus >= MPS2_SPI_BUSES || cs != 0) return PW_HAL_E_NOT_PRESENT;
  REG(bus, PL022_CR1) = 0; /* the format may only change while disabled */
  REG(bus, PL022_CR0) = s->cr0[bus];
  REG(bus, PL022_CPSR) = s->cpsr[bus];
  REG(bus, PL022_CR1) = CR1_SSE;
  while (REG(bus, PL022_SR) & SR_RNE) (void)REG(bus, PL022_DR); /* stale frames */
  select(bus, true);
  uint32_t sent = 0, received = 0, stalls = 0;
  int32_t status = PW_HAL_OK;
  while (received < len) {
    bool progress = false;
    /* Never more frames in flight than the receive FIFO holds: none may be lost. */
    while (sent < len && sent - received < FIFO_DEPTH && (REG(bus, PL022_SR) & SR_TNF)) {
      REG(bus, PL022_DR) = tx ? tx[sent] : 0u;
      ++sent;
      progress = true;
    }
    while (received < sent && (REG(bus, PL022_SR) & SR_RNE)) {
      const uint8_t byte = (uint8_t)REG(bus, PL022_DR);
      if (rx) rx[received] = byte;
      ++received;
      progress = true;
    }
    stalls = progress ? 0u : stalls + 1u;
    if (stalls == STALL_LIMIT) {
      status = PW_HAL_E_IO;
      break;
    }
  }
  while (status == PW_HAL_OK && (REG(bus, PL022_SR) & SR_BSY)) {
  }
  select(bus, false);
  REG(bus, PL022_CR1) = 0;
  return status;
}

const pw_spi_driver mps2_spi_driver = {spi_configure, spi_transfer};

void mps2_spi_init(mps2_spi* spi) {
  for (uint32_t bus = 0; bus < MPS2_SPI_BUSES; ++bus) {
    spi->cr0[bus] = 0;
    spi->cpsr[bus] = 0;
    spi_configure(spi, bus, 0, 0, 1000000u); /* mode 0, 1 MHz until configured */
    select(bus, false);
    REG(bus, PL022_CR1) = 0;
  }
}
