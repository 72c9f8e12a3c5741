/* nmea: a string-driven state machine, as a GPS or modem driver runs one. Each run generates
 * about 4 KiB of NMEA-0183-style sentences ("$GPGGA,12.5,,3*4F\r\n": five letters, fields of
 * digits with an optional fraction, a hex XOR checksum), corrupts one character in about a
 * fifth of them, then parses the text one character at a time through a switch on the parser
 * state (a br_table in wasm), resynchronising at every '$'.
 *
 * Parameter: runs (< 1 gives 0).
 * Result:    per run, h = h * 31 + x for x in (sentences with a good checksum, sentences with a
 *            bad one, sentences abandoned, fields in good sentences, sum of the fields' integer
 *            parts in good sentences), mod 2^32; as int32. Grammar of a sentence:
 *            \$[A-Z]{5}(,[0-9]*(\.[0-9]*)?)*\*[0-9A-F]{2}\r\n, checksum = XOR of the bytes between
 *            '$' and '*'. The generator: one LCG stream (state = 183); see
 * bench/tools/reference.py. Memory:    4 KiB text; constant stack. */
#include "bench_common.h"
#include "programs.h"

enum { NMEA_TEXT_SIZE = 4096, NMEA_MAX_SENTENCE = 64 };

static char nmea_text[NMEA_TEXT_SIZE];
static const char nmea_noise[] = "$,*.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n";

static uint32_t draw(uint32_t* lcg, uint32_t n) { /* 0..n-1 from the top 8 bits */
  return (bench_lcg_next(lcg) >> 24) % n;
}

static uint32_t generate_sentence(uint32_t* lcg, char* out) {
  uint32_t len = 0;
  uint32_t checksum = 0;
  out[len++] = '$';
  for (int i = 0; i < 5; ++i) out[len++] = (char)('A' + draw(lcg, 26));
  const uint32_t fields = 1 + draw(lcg, 6);
  for (uint32_t f = 0; f < fields; ++f) {
    out[len++] = ',';
    const uint32_t digits = draw(lcg, 5);
    for (uint32_t d = 0; d < digits; ++d) out[len++] = (char)('0' + draw(lcg, 10));
    if (draw(lcg, 2)) {
      out[len++] = '.';
      const uint32_t fraction = draw(lcg, 3);
      for (uint32_t d = 0; d < fraction; ++d) out[len++] = (char)('0' + draw(lcg, 10));
    }
  }
  for (uint32_t i = 1; i < len; ++i) checksum ^= (uint8_t)out[i];
  out[len++] = '*';
  out[len++] = "0123456789ABCDEF"[checksum >> 4];
  out[len++] = "0123456789ABCDEF"[checksum & 15];
  out[len++] = '\r';
  out[len++] = '\n';
  if (draw(lcg, 256) < 48) {
    const uint32_t at = (bench_lcg_next(lcg) >> 16) % len;
    out[at] = nmea_noise[draw(lcg, sizeof nmea_noise - 1)];
  }
  return len;
}

static int32_t hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum nmea_state {
  IDLE,
  HEADER,
  AFTER_HEADER,
  FIELD_INT,
  FIELD_FRACTION,
  CHECK_HI,
  CHECK_LO,
  CR,
  LF
};

typedef struct nmea_counts {
  uint32_t good, bad, abandoned, fields, field_sum;
} nmea_counts;

static void parse(const char* text, uint32_t size, nmea_counts* counts) {
  enum nmea_state state = IDLE;
  uint32_t letters = 0, checksum = 0, given = 0, fields = 0, field_sum = 0, value = 0;
  for (uint32_t i = 0; i < size; ++i) {
    const char c = text[i];
    if (c == '$') { /* a new sentence, whatever came before */
      if (state != IDLE) ++counts->abandoned;
      state = HEADER;
      letters = checksum = fields = field_sum = value = 0;
      continue;
    }
    enum nmea_state next = IDLE; /* IDLE after a sentence state: abandoned */
    switch (state) {
      case IDLE: continue;
      case HEADER:
        if (c >= 'A' && c <= 'Z') next = ++letters == 5 ? AFTER_HEADER : HEADER;
        break;
      case AFTER_HEADER:
      case FIELD_INT:
      case FIELD_FRACTION:
        if (state == FIELD_INT && c >= '0' && c <= '9') {
          value = value * 10u + (uint32_t)(c - '0');
          next = FIELD_INT;
        } else if (state != AFTER_HEADER && (c >= '0' && c <= '9')) {
          next = FIELD_FRACTION;
        } else if (state == FIELD_INT && c == '.') {
          next = FIELD_FRACTION;
        } else if (c == ',' || c == '*') {
          if (state != AFTER_HEADER) {
            ++fields;
            field_sum += value;
          }
          value = 0;
          next = c == ',' ? FIELD_INT : CHECK_HI;
        }
        break;
      case CHECK_HI:
      case CHECK_LO:
        if (hex_value(c) >= 0) {
          given = (state == CHECK_HI ? 0 : given << 4) | (uint32_t)hex_value(c);
          next = state == CHECK_HI ? CHECK_LO : CR;
        }
        break;
      case CR:
        if (c == '\r') next = LF;
        break;
      case LF:
        if (c == '\n') {
          if (given == checksum) {
            ++counts->good;
            counts->fields += fields;
            counts->field_sum += field_sum;
          } else {
            ++counts->bad;
          }
          state = IDLE;
          continue;
        }
        break;
    }
    if (next == IDLE) ++counts->abandoned;
    if (next <= FIELD_FRACTION) checksum ^= (uint8_t)c; /* everything between '$' and '*' */
    state = next;
  }
  if (state != IDLE) ++counts->abandoned;
}

int32_t bench_nmea(int32_t runs) {
  uint32_t lcg = 183;
  uint32_t hash = 0;
  for (int32_t run = 0; run < runs; ++run) {
    uint32_t size = 0;
    while (size + NMEA_MAX_SENTENCE <= NMEA_TEXT_SIZE) {
      size += generate_sentence(&lcg, nmea_text + size);
    }
    nmea_counts counts = {0, 0, 0, 0, 0};
    parse(nmea_text, size, &counts);
    hash = hash * 31u + counts.good;
    hash = hash * 31u + counts.bad;
    hash = hash * 31u + counts.abandoned;
    hash = hash * 31u + counts.fields;
    hash = hash * 31u + counts.field_sum;
  }
  return bench_u32_to_i32(hash);
}
