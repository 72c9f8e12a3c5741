// PLACEHOLDER until the validator lands (being written now).
#include "picowasm/picowasm.hpp"

namespace picowasm {
Error validate_module(Module&, Arena&) { return Error{}; }
}  // namespace picowasm
