// The CLI's one JSON writer for run outcomes: a run record (board/include/picowasm/run_record.h)
// as the object docs/run-record.schema.json describes, and the one way JSON reaches stdout.
#include <spdlog/fmt/fmt.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "cli_json.h"

namespace picowasm::host {
namespace {

// The shortest decimal that reads back as the same value, so nothing is lost and 0.1 stays 0.1.
template <typename Float>
std::string format_float(Float value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  constexpr int kMaxDigits = sizeof(Float) == 4 ? 9 : 17;
  char text[40];
  for (int digits = 1; digits <= kMaxDigits; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(value));
    Float back = sizeof(Float) == 4 ? std::strtof(text, nullptr) : std::strtod(text, nullptr);
    if (back == value) break;
  }
  return text;
}

nlohmann::json known(uint64_t value) {
  return value == PW_RECORD_UNKNOWN ? nlohmann::json(nullptr) : nlohmann::json(value);
}

nlohmann::json text_or_null(const char* text) {
  return text[0] ? nlohmann::json(json_text(text, std::strlen(text))) : nlohmann::json(nullptr);
}

nlohmann::json ring_json(const pw_ring& ring) {
  uint8_t bytes[PICOWASM_RECORD_OUTPUT_BYTES];
  const size_t n = pw_ring_read(&ring, bytes);
  return {{"text", json_text(reinterpret_cast<const char*>(bytes), n)},
          {"bytes", ring.total},
          {"truncated", pw_ring_truncated(&ring) != 0}};
}

const char* pause_reason_name(uint32_t r) {
  switch (r) {
    case PW_RECORD_PAUSE_OUT_OF_FUEL: return "out_of_fuel";
    case PW_RECORD_PAUSE_INTERRUPTED: return "interrupted";
    case PW_RECORD_PAUSE_HOST_YIELD: return "host_yield";
    default: return nullptr;
  }
}

// The built-in classes by their import modules' tails ("hal" for pw_hal).
constexpr const char* kClassNames[PW_RECORD_NUM_BUILTIN_CLASSES] = {
    "hal", "gpio", "i2c", "spi", "uart", "pwm", "adc", "time", "log"};

}  // namespace

std::string format_result(ValType type, uint64_t slot) {
  std::string value;
  switch (type) {
    // An i32 owns only the low half of its slot; the upper half may hold anything.
    case ValType::i32: value = std::to_string(static_cast<int32_t>(slot & 0xFFFFFFFFu)); break;
    case ValType::i64: value = std::to_string(static_cast<int64_t>(slot)); break;
    case ValType::f32: {
      float f = 0;
      const auto bits = static_cast<uint32_t>(slot);
      std::memcpy(&f, &bits, sizeof f);
      value = format_float(f);
      break;
    }
    case ValType::f64: {
      double d = 0;
      std::memcpy(&d, &slot, sizeof d);
      value = format_float(d);
      break;
    }
    case ValType::funcref:
    case ValType::externref: value = slot == 0 ? "null" : fmt::format("0x{:x}", slot); break;
    case ValType::v128: value = "?"; break;
  }
  return std::string(valtype_name(type)) + ":" + value;
}

nlohmann::json record_json(const pw_run_record& rec, const Module* m) {
  nlohmann::json j = {{"version", rec.version},
                      {"app", text_or_null(rec.app)},
                      {"slot", rec.slot},
                      {"activation", rec.activation},
                      {"status", pw_run_status_name(rec.status)}};
  const char* pause = pause_reason_name(rec.pause_reason);
  j["pause_reason"] = pause ? nlohmann::json(pause) : nlohmann::json(nullptr);
  j["exit_code"] = rec.has_exit_code ? nlohmann::json(rec.exit_code) : nlohmann::json(nullptr);

  nlohmann::json results = nlohmann::json::array();
  for (uint32_t i = 0; i < rec.num_results && i < PICOWASM_RECORD_MAX_RESULTS; ++i) {
    const std::string text =
        format_result(static_cast<ValType>(rec.result_types[i]), rec.results[i]);
    const size_t colon = text.find(':');
    results.push_back({{"type", text.substr(0, colon)}, {"value", text.substr(colon + 1)}});
  }
  j["results"] = results;
  j["num_results"] = rec.num_results;

  if (rec.status == PW_RUN_TRAP || rec.status == PW_RUN_REVOKED) {
    const auto code = static_cast<ErrorCode>(rec.trap_code);
    nlohmann::json frames = nlohmann::json::array();
    for (uint32_t i = 0; i < rec.num_frames; ++i) {
      const pw_record_frame& f = rec.frames[i];
      Name name;
      frames.push_back(
          {{"function", f.function},
           {"name", m && function_name(*m, f.function, &name) ? nlohmann::json(json_text(name))
                                                              : nlohmann::json(nullptr)},
           {"module_offset", f.module_offset == TrapFrame::kUnknownOffset
                                 ? nlohmann::json(nullptr)
                                 : nlohmann::json(f.module_offset)}});
    }
    j["trap"] = {{"code", error_code_name(code)},
                 {"kind", error_kind_name(error_kind(code))},
                 {"message", error_message(code)},
                 {"host_message", text_or_null(rec.host_message)},
                 {"frames", frames},
                 {"total_frames", rec.total_frames}};
  } else {
    j["trap"] = nullptr;
  }
  j["message"] = text_or_null(rec.message);

  j["fuel_used"] = rec.fuel_used;
  j["time_us"] = known(rec.time_us);
  j["elapsed_us"] = known(rec.elapsed_us);
  j["instructions"] = known(rec.instructions);
  j["high_water"] = {{"memory_bytes", rec.memory_bytes},
                     {"stack_slots", rec.stack_slots_high_water},
                     {"stack_slots_reserved", rec.stack_slots},
                     {"call_depth", rec.call_depth_high_water},
                     {"call_depth_limit", rec.call_depth}};

  nlohmann::json hal = nlohmann::json::object();
  const uint32_t classes = PW_RECORD_NUM_BUILTIN_CLASSES + rec.num_board_classes;
  for (uint32_t c = 0; c < classes && c < PW_RECORD_NUM_CLASSES; ++c) {
    const char* name = c < PW_RECORD_NUM_BUILTIN_CLASSES
                           ? kClassNames[c]
                           : rec.board_class_names[c - PW_RECORD_NUM_BUILTIN_CLASSES];
    hal[name ? name : fmt::format("board{}", c - PW_RECORD_NUM_BUILTIN_CLASSES)] = {
        {"calls", rec.hal[c].calls},
        {"denied", rec.hal[c].denied},
        {"rate_limited", rec.hal[c].rate_limited}};
  }
  j["hal"] = hal;
  j["output"] = {{"uart", ring_json(rec.uart)}, {"log", ring_json(rec.log)}};
  return j;
}

void print_json(const nlohmann::json& j) {
  // ensure_ascii: the output is printable ASCII whatever the names contain; every string from
  // the module went through json_text, `replace` is only a safety net.
  std::printf("%s\n", j.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace).c_str());
  std::fflush(stdout);
}

}  // namespace picowasm::host
