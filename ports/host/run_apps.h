// `picowasm run --board virtual` with several apps under the supervisor (cmd_run_apps.cpp).
#ifndef PICOWASM_HOST_RUN_APPS_H
#define PICOWASM_HOST_RUN_APPS_H

#include <vector>

#include "cli.h"
#include "picowasm/virtual_board.hpp"

namespace picowasm::host {

// True if the command line names several APP.wasm files or a --board-file: cmd_run_board hands
// over to cmd_run_apps.
bool wants_apps(const Args& args);
int cmd_run_apps(const Args& args);
// The scripted-event options of run --board (--button, --temp, --adc, --uart-input,
// --uart-input-file) at args[*i]: appends the event and moves *i past its value; false if
// args[*i] is none of them (cmd_run_board.cpp).
bool take_board_event(const Args& args, size_t* i, std::vector<vboard::ScriptEvent>* events);

}  // namespace picowasm::host

#endif  // PICOWASM_HOST_RUN_APPS_H
