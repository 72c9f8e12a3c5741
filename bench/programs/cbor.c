/* cbor: a small CBOR (RFC 8949) encoder and a recursive decoder, as a device speaking CoAP or
 * reading a configuration blob runs them. Each run encodes about 3.5 KiB of generated items
 * (unsigned and negative integers in every argument width, text and byte strings, arrays and maps
 * nested two deep) with the shortest argument encoding, then decodes the buffer, checking
 * every header. Measures byte-wise decoding, a switch on the major type, recursion and stores.
 *
 * Parameter: runs (< 1 gives 0).
 * Result:    per run, h = h * 31 + x for x in (encoded bytes, items decoded, sum of unsigned
 *            values, sum of negative values, string bytes, XOR of string bytes, decode status),
 *            mod 2^32; as int32. Items come from one LCG stream (state = 8949): see
 *            bench/tools/reference.py, which computes the same figures from the items without
 *            any CBOR code. */
#include "bench_common.h"
#include "programs.h"

enum { CBOR_BUFFER = 4096, CBOR_FILL = 3584, CBOR_MAX_DEPTH = 2 };

static uint8_t cbor_buffer[CBOR_BUFFER];

typedef struct cbor_writer {
  uint8_t* data;
  uint32_t size;
  uint32_t lcg;
} cbor_writer;

static uint32_t cbor_draw(cbor_writer* w, uint32_t n) {
  return (bench_lcg_next(&w->lcg) >> 24) % n;
}

/* The header of major type `major` with argument `value`, in the shortest form. */
static void cbor_head(cbor_writer* w, uint32_t major, uint32_t value) {
  uint8_t* p = w->data + w->size;
  const uint8_t m = (uint8_t)(major << 5);
  if (value < 24) {
    p[0] = (uint8_t)(m | value);
    w->size += 1;
  } else if (value < 0x100) {
    p[0] = m | 24;
    p[1] = (uint8_t)value;
    w->size += 2;
  } else if (value < 0x10000) {
    p[0] = m | 25;
    p[1] = (uint8_t)(value >> 8);
    p[2] = (uint8_t)value;
    w->size += 3;
  } else {
    p[0] = m | 26;
    for (int i = 0; i < 4; ++i) p[1 + i] = (uint8_t)(value >> (24 - 8 * i));
    w->size += 5;
  }
}

static void cbor_item(cbor_writer* w, int depth) {
  const uint32_t kind = cbor_draw(w, depth < CBOR_MAX_DEPTH ? 8 : 6);
  switch (kind) {
    case 0: cbor_head(w, 0, cbor_draw(w, 24)); break;
    case 1:
    case 2: { /* an argument of 4, 3, 2 or 1 significant bytes */
      const uint32_t shift = 8 * cbor_draw(w, 4);
      cbor_head(w, kind == 1 ? 0 : 1, bench_lcg_next(&w->lcg) >> shift);
      break;
    }
    case 3:
    case 4: {
      const uint32_t length = cbor_draw(w, 20);
      cbor_head(w, kind == 3 ? 2 : 3, length);
      for (uint32_t i = 0; i < length; ++i) {
        w->data[w->size++] =
            (uint8_t)(kind == 3 ? bench_lcg_next(&w->lcg) >> 24 : 'a' + cbor_draw(w, 26));
      }
      break;
    }
    case 5: cbor_head(w, 0, 0x10000u + cbor_draw(w, 200)); break;
    case 6: {
      const uint32_t count = cbor_draw(w, 5);
      cbor_head(w, 4, count);
      for (uint32_t i = 0; i < count; ++i) cbor_item(w, depth + 1);
      break;
    }
    default: {
      const uint32_t pairs = cbor_draw(w, 4);
      cbor_head(w, 5, pairs);
      for (uint32_t i = 0; i < pairs; ++i) {
        cbor_head(w, 0, i); /* keys 0, 1, ... */
        cbor_item(w, depth + 1);
      }
      break;
    }
  }
}

typedef struct cbor_reader {
  const uint8_t* data;
  uint32_t size, pos;
  uint32_t items, unsigned_sum, negative_sum, string_bytes, string_xor;
} cbor_reader;

/* Reads a header: 0 on success with *major and *value set, -1 if malformed or truncated. */
static int cbor_read_head(cbor_reader* r, uint32_t* major, uint32_t* value) {
  if (r->pos >= r->size) return -1;
  const uint8_t initial = r->data[r->pos++];
  *major = initial >> 5;
  const uint32_t info = initial & 31u;
  uint32_t bytes;
  switch (info) {
    case 24: bytes = 1; break;
    case 25: bytes = 2; break;
    case 26: bytes = 4; break;
    default:
      if (info > 23) return -1; /* 64-bit arguments, indefinite lengths: not in this subset */
      *value = info;
      return 0;
  }
  if (r->size - r->pos < bytes) return -1;
  uint32_t v = 0;
  for (uint32_t i = 0; i < bytes; ++i) v = v << 8 | r->data[r->pos++];
  /* Shortest form only, as deterministic CBOR requires. */
  if ((bytes == 1 && v < 24) || (bytes == 2 && v < 0x100) || (bytes == 4 && v < 0x10000)) return -1;
  *value = v;
  return 0;
}

static int cbor_read_item(cbor_reader* r, int depth) {
  uint32_t major, value;
  if (depth > CBOR_MAX_DEPTH + 1 || cbor_read_head(r, &major, &value) != 0) return -1;
  ++r->items;
  switch (major) {
    case 0: r->unsigned_sum += value; return 0;
    case 1: r->negative_sum += ~value; return 0; /* the value is -1 - argument */
    case 2:
    case 3:
      if (r->size - r->pos < value) return -1;
      for (uint32_t i = 0; i < value; ++i) r->string_xor ^= r->data[r->pos + i];
      r->string_bytes += value;
      r->pos += value;
      return 0;
    case 4:
      for (uint32_t i = 0; i < value; ++i) {
        if (cbor_read_item(r, depth + 1) != 0) return -1;
      }
      return 0;
    case 5:
      for (uint32_t i = 0; i < value; ++i) {
        uint32_t key_major, key;
        if (cbor_read_head(r, &key_major, &key) != 0 || key_major != 0 || key != i) return -1;
        if (cbor_read_item(r, depth + 1) != 0) return -1;
      }
      return 0;
    default: return -1;
  }
}

int32_t bench_cbor(int32_t runs) {
  cbor_writer w = {cbor_buffer, 0, 8949};
  uint32_t hash = 0;
  for (int32_t run = 0; run < runs; ++run) {
    w.size = 0;
    while (w.size < CBOR_FILL) cbor_item(&w, 0);
    cbor_reader r = {cbor_buffer, w.size, 0, 0, 0, 0, 0, 0};
    int status = 0;
    while (status == 0 && r.pos < r.size) status = cbor_read_item(&r, 0);
    const uint32_t figures[7] = {w.size,         r.items,      r.unsigned_sum,  r.negative_sum,
                                 r.string_bytes, r.string_xor, (uint32_t)status};
    for (int i = 0; i < 7; ++i) hash = hash * 31u + figures[i];
  }
  return bench_u32_to_i32(hash);
}
