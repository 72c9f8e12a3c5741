// `picowasm inspect FILE.wasm`: load (decode + validate) a module and describe its interface.
#include <spdlog/fmt/fmt.h>

#include <cstdio>

#include "cli.h"

namespace picowasm::host {
namespace {

std::string describe_import(const Module& m, const Import& imp, uint32_t index_in_space) {
  std::string where = fmt::format("{}[{}]", extern_kind_name(imp.kind), index_in_space);
  std::string text =
      fmt::format("  {:<10} {} {}  ", where, quote_name(imp.module), quote_name(imp.field));
  switch (imp.kind) {
    case ExternKind::func:
      text += fmt::format("type[{}] {}", imp.type_index, format_functype(m.types[imp.type_index]));
      break;
    case ExternKind::table:
      text += fmt::format("{} {}", valtype_name(imp.table.elem), format_limits(imp.table.limits));
      break;
    case ExternKind::memory: text += format_memory_type(imp.memory); break;
    case ExternKind::global:
      text += fmt::format("{} {}", imp.global.mutable_ ? "mut" : "const",
                          valtype_name(imp.global.type));
      break;
  }
  return text;
}

void print_module(const std::string& path, const LoadedModule& loaded) {
  const Module& m = loaded.module;
  std::printf("module: %s (%zu bytes)\n", escape_text(path).c_str(), loaded.size);
  std::printf("types: %u\n", m.num_types);

  // Imports are numbered within their own index space, as the spec does.
  std::printf("imports: %u\n", m.num_imports);
  uint32_t next_index[4] = {0, 0, 0, 0};
  std::vector<const Import*> func_imports;
  for (uint32_t i = 0; i < m.num_imports; ++i) {
    const Import& imp = m.imports[i];
    uint32_t index = next_index[static_cast<int>(imp.kind)]++;
    if (imp.kind == ExternKind::func) func_imports.push_back(&imp);
    std::printf("%s\n", describe_import(m, imp, index).c_str());
  }

  std::printf("exports: %u\n", m.num_exports);
  std::vector<std::vector<const Export*>> func_exports(m.num_functions);
  for (uint32_t i = 0; i < m.num_exports; ++i) {
    const Export& exp = m.exports[i];
    std::printf("  %s -> %s[%u]\n", quote_name(exp.name).c_str(), extern_kind_name(exp.kind),
                exp.index);
    if (exp.kind == ExternKind::func && exp.index < m.num_functions)
      func_exports[exp.index].push_back(&exp);
  }

  std::printf("functions: %u (%u imported, %u defined)\n", m.num_functions,
              m.num_imported_functions, m.num_functions - m.num_imported_functions);
  for (uint32_t f = 0; f < m.num_functions; ++f) {
    std::string line = fmt::format("  func[{}] {}", f, format_functype(m.func_type(f)));
    if (f < m.num_imported_functions && f < func_imports.size()) {
      line += fmt::format("  import {} {}", quote_name(func_imports[f]->module),
                          quote_name(func_imports[f]->field));
    }
    for (const Export* exp : func_exports[f]) line += "  export " + quote_name(exp->name);
    if (m.has_start && m.start == f) line += "  start";
    std::printf("%s\n", line.c_str());
  }

  std::printf("tables: %u (%u imported)\n", m.num_tables, m.num_imported_tables);
  std::printf("memories: %u (%u imported)\n", m.num_memories, m.num_imported_memories);
  for (uint32_t i = m.num_imported_memories; i < m.num_memories; ++i)
    std::printf("  memory[%u] %s\n", i, format_memory_type(m.memories[i]).c_str());
  std::printf("globals: %u (%u imported)\n", m.num_globals, m.num_imported_globals);
  std::printf("elem segments: %u\n", m.num_elems);
  std::printf("data segments: %u\n", m.num_datas);
}

}  // namespace

int cmd_inspect(const Args& args) {
  if (args.size() != 1) throw UsageError("inspect takes exactly one FILE.wasm");
  const std::string& path = args[0];
  auto loaded = load_file(path);
  if (!loaded->error.ok()) {
    std::fprintf(stderr, "%s\n", format_error(loaded->error).c_str());
    return kExitFailure;
  }
  print_module(path, *loaded);
  return print_package(loaded->bytes.get(), loaded->size) ? kExitOk : kExitFailure;
}

}  // namespace picowasm::host
