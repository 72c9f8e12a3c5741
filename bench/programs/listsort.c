/* listsort: pointer chasing over structs. Each run fills a pool of 2048 nodes with fresh 12-bit
 * keys (duplicates are common, so stability matters), links them in pool order, merge-sorts the
 * list by relinking `next` pointers (top-down, stable, split by slow/fast pointers), folds the
 * sorted order into a hash, then runs 64 searches that walk the sorted list to the first key not
 * below a probe.
 *
 * Parameter: runs (< 1 gives 0).
 * Result:    h = h * 31 + ((key << 11) ^ index) over the sorted nodes, then h = h * 31 + the
 *            position found by each search (2048 if none), mod 2^32, across all runs; as int32.
 *            Keys: one LCG stream (state = 77), key = output >> 20; probes from the same stream.
 * Memory:    2048 nodes (24 KiB on wasm32, 32 KiB on 64-bit hosts); recursion depth 12. */
#include "bench_common.h"
#include "programs.h"

enum { LIST_SIZE = 2048, LIST_SEARCHES = 64 };

typedef struct sort_node {
  struct sort_node* next;
  uint32_t key;
  uint32_t index;
} sort_node;

static sort_node sort_pool[LIST_SIZE];

static sort_node* merge_lists(sort_node* a, sort_node* b) {
  sort_node head;
  sort_node* tail = &head;
  while (a && b) {
    if (a->key <= b->key) { /* <=: equal keys keep their order */
      tail->next = a;
      a = a->next;
    } else {
      tail->next = b;
      b = b->next;
    }
    tail = tail->next;
  }
  tail->next = a ? a : b;
  return head.next;
}

static sort_node* sort_list(sort_node* list) {
  if (!list || !list->next) return list;
  sort_node* slow = list;
  sort_node* fast = list->next;
  while (fast && fast->next) {
    slow = slow->next;
    fast = fast->next->next;
  }
  sort_node* right = slow->next;
  slow->next = 0;
  return merge_lists(sort_list(list), sort_list(right));
}

int32_t bench_listsort(int32_t runs) {
  uint32_t lcg = 77;
  uint32_t hash = 0;
  for (int32_t run = 0; run < runs; ++run) {
    for (uint32_t i = 0; i < LIST_SIZE; ++i) {
      sort_pool[i].key = bench_lcg_next(&lcg) >> 20;
      sort_pool[i].index = i;
      sort_pool[i].next = i + 1 < LIST_SIZE ? &sort_pool[i + 1] : 0;
    }
    sort_node* sorted = sort_list(&sort_pool[0]);
    for (const sort_node* n = sorted; n; n = n->next)
      hash = hash * 31u + ((n->key << 11) ^ n->index);
    for (int32_t s = 0; s < LIST_SEARCHES; ++s) {
      const uint32_t probe = bench_lcg_next(&lcg) >> 20;
      uint32_t position = 0;
      const sort_node* n = sorted;
      while (n && n->key < probe) {
        n = n->next;
        ++position;
      }
      hash = hash * 31u + position;
    }
  }
  return bench_u32_to_i32(hash);
}
