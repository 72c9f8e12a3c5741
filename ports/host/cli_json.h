// JSON pieces shared by the CLI subcommands (kept out of cli.h, which does not need the library).
#ifndef PICOWASM_HOST_CLI_JSON_H
#define PICOWASM_HOST_CLI_JSON_H

#include <nlohmann/json.hpp>

#include "cli.h"
#include "picowasm/run_record.h"

namespace picowasm::host {

// ---- Run records (run_record_json.cpp): every `--json` run outcome is one of these ----------
// The record as docs/run-record.schema.json describes it; `m` (may be null) names the trap's
// functions. Subcommands add their own fields beside the record's (the schema lists them).
nlohmann::json record_json(const pw_run_record& rec, const Module* m);
// Prints `j` on one line of stdout, ASCII only (non-ASCII and control characters escaped).
void print_json(const nlohmann::json& j);
// A value as "TYPE:VALUE" ("i32:5", "f64:0.1": the shortest decimal that reads back the same).
std::string format_result(ValType type, uint64_t slot);

}  // namespace picowasm::host

#endif  // PICOWASM_HOST_CLI_JSON_H
