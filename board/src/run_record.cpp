// Run records (run_record.h): filled from an instance, its call result and its HAL state.
#include "picowasm/run_record.h"

#include <cstring>

namespace picowasm {
namespace board {
namespace {

static_assert(PW_RECORD_NUM_BUILTIN_CLASSES == kNumClasses, "record classes: the HAL's classes");
static_assert(PW_RECORD_NUM_CLASSES == kNumAllClasses, "record classes: board classes too");
static_assert(static_cast<uint32_t>(PauseReason::host_yield) == PW_RECORD_PAUSE_HOST_YIELD &&
                  static_cast<uint32_t>(PauseReason::interrupted) == PW_RECORD_PAUSE_INTERRUPTED &&
                  static_cast<uint32_t>(PauseReason::out_of_fuel) == PW_RECORD_PAUSE_OUT_OF_FUEL,
              "pause reasons are stored by value");

constexpr char kRevokedPrefix[] = "revoked: ";  // the HAL's trap message on a revoked class
constexpr char kBoardPrefix[] = "pw_board_";

uint64_t clock_us(const AppHal* hal) {
  if (!hal || !hal->board || !hal->board->clock) return PW_RECORD_UNKNOWN;
  return hal->board->clock->now_us(hal->board->clock_ctx);
}

}  // namespace

void record_begin(RunRecord& rec, const AppHal* hal) {
  pw_record_clear(&rec);
  // Until record_end, hal[] holds the counters at the start and elapsed_us the start time.
  if (hal) {
    for (uint32_t c = 0; c < kNumAllClasses; ++c) {
      rec.hal[c] = {hal->stats[c].calls, hal->stats[c].denied, hal->stats[c].rate_limited};
    }
  }
  rec.elapsed_us = clock_us(hal);
}

void record_end(RunRecord& rec, const Instance& instance, const CallResult& result,
                const AppHal* hal, const FuncType* type, const uint64_t* slots) {
  rec.fuel_used = result.fuel_used;
  switch (result.status) {
    case CallStatus::ok: {
      rec.status = PW_RUN_OK;
      rec.num_results = type ? type->num_results : 0;
      for (uint32_t i = 0; slots && i < rec.num_results && i < PICOWASM_RECORD_MAX_RESULTS; ++i) {
        rec.result_types[i] = static_cast<uint8_t>(type->results[i]);
        rec.results[i] = slots[i];
      }
      break;
    }
    case CallStatus::paused:
      rec.status = PW_RUN_PAUSED;
      rec.pause_reason = static_cast<uint32_t>(result.pause);
      break;
    case CallStatus::trap: {
      rec.status = PW_RUN_TRAP;
      const TrapReport report = trap_report(instance);
      // A call refused before it ran (bad_argument, ...) has no report: its error is the code.
      rec.trap_code =
          static_cast<uint32_t>(report.code != ErrorCode::ok ? report.code : result.error.code);
      pw_record_text(rec.host_message, sizeof rec.host_message, report.host_message);
      rec.total_frames = report.total_frames;
      for (uint32_t i = 0; i < report.num_frames && i < PICOWASM_RECORD_TRAP_FRAMES; ++i) {
        rec.frames[i] = {report.frames[i].function, report.frames[i].module_offset};
        rec.num_frames = i + 1;
      }
      if (report.host_message &&
          std::strncmp(report.host_message, kRevokedPrefix, sizeof kRevokedPrefix - 1) == 0) {
        rec.status = PW_RUN_REVOKED;
      }
      break;
    }
  }

  const InstanceUse use = instance_use(instance);
  rec.memory_bytes = use.memory_bytes;
  rec.stack_slots_high_water = use.stack_slots_high_water;
  rec.stack_slots = use.stack_slots;
  rec.call_depth_high_water = use.call_depth_high_water;
  rec.call_depth = use.call_depth;

  if (hal) {
    for (uint32_t c = 0; c < kNumAllClasses; ++c) {
      rec.hal[c] = {hal->stats[c].calls - rec.hal[c].calls,
                    hal->stats[c].denied - rec.hal[c].denied,
                    hal->stats[c].rate_limited - rec.hal[c].rate_limited};
    }
    rec.num_board_classes =
        hal->num_board_classes < kMaxBoardClasses ? hal->num_board_classes : kMaxBoardClasses;
    for (uint32_t k = 0; k < rec.num_board_classes; ++k) {
      const char* module = hal->board_classes[k].module;
      const size_t n = sizeof kBoardPrefix - 1;
      rec.board_class_names[k] =
          module && std::strncmp(module, kBoardPrefix, n) == 0 ? module + n : module;
    }
  }
  const uint64_t start = rec.elapsed_us;
  rec.time_us = clock_us(hal);
  rec.elapsed_us = start == PW_RECORD_UNKNOWN || rec.time_us == PW_RECORD_UNKNOWN
                       ? PW_RECORD_UNKNOWN
                       : rec.time_us - start;
}

}  // namespace board
}  // namespace picowasm
