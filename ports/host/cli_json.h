// JSON pieces shared by the CLI subcommands (kept out of cli.h, which does not need the library).
#ifndef PICOWASM_HOST_CLI_JSON_H
#define PICOWASM_HOST_CLI_JSON_H

#include <nlohmann/json.hpp>

#include "cli.h"

namespace picowasm::host {

// The trap report as JSON: code, kind, message and the backtrace with function names.
nlohmann::json trap_json(const Instance& instance, const Module& m);

}  // namespace picowasm::host

#endif  // PICOWASM_HOST_CLI_JSON_H
