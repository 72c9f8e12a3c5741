/* mixed: a CoreMark-like blend, written from scratch. Each iteration draws fresh data from one
 * LCG stream (state = 2024) and runs, in order:
 *   1. list:    build a 128-node singly linked list in a static pool (indices, not pointers),
 *               reverse it, look up 16 keys with move-to-front, merge-sort it by key (bottom-up,
 *               stable, no recursion), then fold it into an order-dependent hash;
 *   2. matrix:  8x8 integer C = A * B, then per-row folds of C against its transpose and a max;
 *   3. parser:  a 9-state tokenizer over a generated 256-byte text (integers with signs,
 *               fractions, exponents, identifiers, invalid tokens), summing the integers.
 * Every step's results go through a bitwise CRC-32 (the same function as zlib.crc32 over the
 * results as little-endian 32-bit words). Measures branches, a switch (br_table in wasm),
 * pointer chasing and i32 multiplies.
 *
 * Parameter: iterations (< 1 gives the CRC of nothing, 0).
 * Result:    the final CRC-32, as int32.
 * Expected:  default iterations = 1000 -> 1026699273 (0x3d323009, ~27 ms on x86-64 at -O2);
 *            Cortex-M iterations = 32 -> -849385274 (0xcd5f68c6).
 * Memory:    2.5 KiB static (1.5 KiB pool, 0.75 KiB matrices, 256 B text); constant stack.
 * Cost:      ~70 K instructions per iteration; iterations = 32 is 2.3 M instructions on a
 *            Cortex-M4 (QEMU mps2-an386, arm-none-eabi-gcc -O2). */
#include "bench_common.h"
#include "programs.h"

enum {
  LIST_NODES = 128,
  LIST_PROBES = 16,
  KEY_MASK = 0x3FF, /* few enough keys that duplicates occur and stability matters */
  MATRIX_DIM = 8,
  TEXT_LENGTH = 256,
  NO_NODE = -1
};

typedef struct list_node {
  int32_t next; /* pool index or NO_NODE */
  int32_t key;
  int32_t value;
} list_node;

static list_node node_pool[LIST_NODES];
static uint32_t matrix_a[MATRIX_DIM][MATRIX_DIM];
static uint32_t matrix_b[MATRIX_DIM][MATRIX_DIM];
static uint32_t matrix_c[MATRIX_DIM][MATRIX_DIM];
static uint8_t text[TEXT_LENGTH];

/* Bitwise (table-less) reflected CRC-32 of the word's 4 bytes, least significant first. */
static uint32_t crc_word(uint32_t crc, uint32_t word) {
  for (int byte = 0; byte < 4; ++byte) {
    crc ^= (word >> (8 * byte)) & 0xFFu;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return crc;
}

/* ---- 1. linked list ----------------------------------------------------------------------- */

/* Head insertion, so the list comes out in reverse pool order. */
static int32_t build_list(uint32_t* lcg) {
  int32_t head = NO_NODE;
  for (int32_t i = 0; i < LIST_NODES; ++i) {
    node_pool[i].key = (int32_t)((bench_lcg_next(lcg) >> 20) & KEY_MASK);
    node_pool[i].value = i;
    node_pool[i].next = head;
    head = i;
  }
  return head;
}

static int32_t reverse_list(int32_t head) {
  int32_t reversed = NO_NODE;
  while (head != NO_NODE) {
    int32_t rest = node_pool[head].next;
    node_pool[head].next = reversed;
    reversed = head;
    head = rest;
  }
  return reversed;
}

/* Returns the key's position (0-based) before the move, or -1 if absent. */
static int32_t find_and_move_to_front(int32_t* head, int32_t key) {
  int32_t previous = NO_NODE;
  int32_t position = 0;
  for (int32_t n = *head; n != NO_NODE; previous = n, n = node_pool[n].next, ++position) {
    if (node_pool[n].key != key) continue;
    if (previous != NO_NODE) {
      node_pool[previous].next = node_pool[n].next;
      node_pool[n].next = *head;
      *head = n;
    }
    return position;
  }
  return -1;
}

/* Bottom-up merge sort: merges runs of width 1, 2, 4, ... until one run is left. Ties keep
 * the left run's node first, which makes it stable. */
static int32_t sort_list(int32_t head) {
  if (head == NO_NODE) return head;
  for (int32_t width = 1;; width *= 2) {
    int32_t left = head;
    int32_t tail = NO_NODE;
    int32_t merges = 0;
    head = NO_NODE;
    while (left != NO_NODE) {
      ++merges;
      int32_t right = left;
      int32_t left_size = 0;
      while (left_size < width && right != NO_NODE) {
        ++left_size;
        right = node_pool[right].next;
      }
      int32_t right_size = width;
      while (left_size > 0 || (right_size > 0 && right != NO_NODE)) {
        int32_t take;
        int take_left = right_size == 0 || right == NO_NODE ||
                        (left_size > 0 && node_pool[left].key <= node_pool[right].key);
        if (take_left) {
          take = left;
          left = node_pool[left].next;
          --left_size;
        } else {
          take = right;
          right = node_pool[right].next;
          --right_size;
        }
        if (tail == NO_NODE) {
          head = take;
        } else {
          node_pool[tail].next = take;
        }
        tail = take;
      }
      left = right;
    }
    node_pool[tail].next = NO_NODE;
    if (merges <= 1) return head;
  }
}

static uint32_t run_list(uint32_t* lcg, uint32_t crc) {
  int32_t head = reverse_list(build_list(lcg));
  for (int32_t probe = 0; probe < LIST_PROBES; ++probe) {
    /* Half the probes name a key known to be present, half a random (mostly absent) one. */
    uint32_t draw = bench_lcg_next(lcg);
    int32_t key = (draw & 0x80000000u) ? node_pool[(draw >> 20) & (LIST_NODES - 1)].key
                                       : (int32_t)((draw >> 8) & KEY_MASK);
    crc = crc_word(crc, (uint32_t)find_and_move_to_front(&head, key));
  }
  head = sort_list(head);
  uint32_t order_hash = 0;
  for (int32_t n = head; n != NO_NODE; n = node_pool[n].next) {
    order_hash =
        order_hash * 31u + ((uint32_t)node_pool[n].key << 8 ^ (uint32_t)node_pool[n].value);
  }
  return crc_word(crc, order_hash);
}

/* ---- 2. integer matrix ---------------------------------------------------------------------- */

static uint32_t run_matrix(uint32_t* lcg, uint32_t crc) {
  for (int i = 0; i < MATRIX_DIM; ++i) {
    for (int j = 0; j < MATRIX_DIM; ++j) matrix_a[i][j] = (bench_lcg_next(lcg) >> 24) - 128u;
  }
  for (int i = 0; i < MATRIX_DIM; ++i) {
    for (int j = 0; j < MATRIX_DIM; ++j) matrix_b[i][j] = bench_lcg_next(lcg) >> 28;
  }
  for (int i = 0; i < MATRIX_DIM; ++i) {
    for (int j = 0; j < MATRIX_DIM; ++j) {
      uint32_t sum = 0;
      for (int k = 0; k < MATRIX_DIM; ++k) sum += matrix_a[i][k] * matrix_b[k][j];
      matrix_c[i][j] = sum;
    }
  }
  int32_t largest = INT32_MIN;
  for (int i = 0; i < MATRIX_DIM; ++i) {
    uint32_t row_fold = 0;
    for (int j = 0; j < MATRIX_DIM; ++j) {
      row_fold += matrix_c[i][j] ^ (matrix_c[j][i] >> 3);
      int32_t value = bench_u32_to_i32(matrix_c[i][j]);
      if (value > largest) largest = value;
    }
    crc = crc_word(crc, row_fold);
  }
  return crc_word(crc, (uint32_t)largest);
}

/* ---- 3. tokenizer state machine ------------------------------------------------------------- */

typedef enum char_class {
  CLASS_DIGIT,
  CLASS_DOT,
  CLASS_SIGN,
  CLASS_E,
  CLASS_LETTER,
  CLASS_SEPARATOR
} char_class;

typedef enum parse_state {
  STATE_START,
  STATE_SIGN,
  STATE_INTEGER,
  STATE_FRACTION,
  STATE_EXPONENT_MARK,
  STATE_EXPONENT_SIGN,
  STATE_EXPONENT,
  STATE_IDENTIFIER,
  STATE_INVALID
} parse_state;

enum { TOKEN_INTEGER, TOKEN_FLOAT, TOKEN_IDENTIFIER, TOKEN_INVALID, TOKEN_KINDS };

static const char text_alphabet[] = "0123456789.+-eE,; \tabxz";

static char_class classify(uint8_t c) {
  if (c >= '0' && c <= '9') return CLASS_DIGIT;
  switch (c) {
    case '.': return CLASS_DOT;
    case '+':
    case '-': return CLASS_SIGN;
    case 'e':
    case 'E': return CLASS_E;
    case ',':
    case ';':
    case ' ':
    case '\t': return CLASS_SEPARATOR;
    default: return CLASS_LETTER;
  }
}

static parse_state next_state(parse_state state, char_class c) {
  switch (state) {
    case STATE_START:
      if (c == CLASS_DIGIT) return STATE_INTEGER;
      if (c == CLASS_SIGN) return STATE_SIGN;
      if (c == CLASS_DOT) return STATE_FRACTION;
      return STATE_IDENTIFIER; /* letter or e */
    case STATE_SIGN:
      if (c == CLASS_DIGIT) return STATE_INTEGER;
      if (c == CLASS_DOT) return STATE_FRACTION;
      return STATE_INVALID;
    case STATE_INTEGER:
      if (c == CLASS_DIGIT) return STATE_INTEGER;
      if (c == CLASS_DOT) return STATE_FRACTION;
      if (c == CLASS_E) return STATE_EXPONENT_MARK;
      return STATE_INVALID;
    case STATE_FRACTION:
      if (c == CLASS_DIGIT) return STATE_FRACTION;
      if (c == CLASS_E) return STATE_EXPONENT_MARK;
      return STATE_INVALID;
    case STATE_EXPONENT_MARK:
      if (c == CLASS_DIGIT) return STATE_EXPONENT;
      if (c == CLASS_SIGN) return STATE_EXPONENT_SIGN;
      return STATE_INVALID;
    case STATE_EXPONENT_SIGN:
    case STATE_EXPONENT: return c == CLASS_DIGIT ? STATE_EXPONENT : STATE_INVALID;
    case STATE_IDENTIFIER:
      return (c == CLASS_LETTER || c == CLASS_E || c == CLASS_DIGIT) ? STATE_IDENTIFIER
                                                                     : STATE_INVALID;
    case STATE_INVALID: break;
  }
  return STATE_INVALID;
}

static int token_kind(parse_state final_state) {
  switch (final_state) {
    case STATE_INTEGER: return TOKEN_INTEGER;
    case STATE_FRACTION:
    case STATE_EXPONENT: return TOKEN_FLOAT;
    case STATE_IDENTIFIER: return TOKEN_IDENTIFIER;
    default: return TOKEN_INVALID;
  }
}

static uint32_t run_parser(uint32_t* lcg, uint32_t crc) {
  for (int32_t i = 0; i < TEXT_LENGTH; ++i) {
    text[i] = (uint8_t)text_alphabet[(bench_lcg_next(lcg) >> 24) % (sizeof text_alphabet - 1)];
  }
  uint32_t token_counts[TOKEN_KINDS] = {0, 0, 0, 0};
  uint32_t transitions = 0;
  uint32_t integer_sum = 0; /* of the integer tokens, signs applied, mod 2^32 */
  uint32_t integer_value = 0;
  int negative = 0;
  parse_state state = STATE_START;
  /* One extra step with a separator flushes the last token. */
  for (int32_t i = 0; i <= TEXT_LENGTH; ++i) {
    char_class c = i < TEXT_LENGTH ? classify(text[i]) : CLASS_SEPARATOR;
    if (c == CLASS_SEPARATOR) {
      if (state != STATE_START) {
        int kind = token_kind(state);
        ++token_counts[kind];
        if (kind == TOKEN_INTEGER) integer_sum += negative ? 0u - integer_value : integer_value;
        ++transitions;
      }
      state = STATE_START;
      integer_value = 0;
      negative = 0;
      continue;
    }
    parse_state next = next_state(state, c);
    if (next != state) ++transitions;
    if (state == STATE_START && c == CLASS_SIGN) negative = text[i] == '-';
    if (next == STATE_INTEGER) integer_value = integer_value * 10u + (uint32_t)(text[i] - '0');
    state = next;
  }
  for (int kind = 0; kind < TOKEN_KINDS; ++kind) crc = crc_word(crc, token_counts[kind]);
  crc = crc_word(crc, transitions);
  return crc_word(crc, integer_sum);
}

int32_t bench_mixed(int32_t iterations) {
  uint32_t lcg = 2024;
  uint32_t crc = 0xFFFFFFFFu;
  for (int32_t iteration = 0; iteration < iterations; ++iteration) {
    crc = run_list(&lcg, crc);
    crc = run_matrix(&lcg, crc);
    crc = run_parser(&lcg, crc);
  }
  return bench_u32_to_i32(crc ^ 0xFFFFFFFFu);
}
