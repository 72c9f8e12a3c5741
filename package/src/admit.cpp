// Verification and admission of a package against the device owner's policy.
#include <cstring>

#include "picowasm/package.hpp"

namespace picowasm {
namespace package {
namespace {

using board::Class;
using board::Grant;

Result fail(Status s, Field f = Field::none, uint32_t offset = 0) {
  Result r;
  r.status = s;
  r.field = f;
  r.offset = offset;
  return r;
}

Result denied(Class cls, Field f, uint32_t resource, uint32_t detail) {
  Result r = fail(Status::capability_denied, f);
  r.cls = cls;
  r.resource = resource;
  r.detail = detail;
  return r;
}

bool same_id(const Span& id, const char* name) {
  const size_t n = std::strlen(name);
  return n == id.size && std::memcmp(id.data, name, n) == 0;
}

uint32_t lowest_bit(uint32_t mask) {
  uint32_t n = 0;
  while (!((mask >> n) & 1)) ++n;
  return n;
}

// The request must lie within the allowance, one capability at a time; the first excess is
// named (class, resource, and the missing access bits / address / chip select / clock).
Result within(const Grant& req, const Grant& allow) {
  for (uint32_t i = 0; i < req.num_gpio; ++i) {
    for (uint32_t pin = req.gpio[i].first; pin <= req.gpio[i].last; ++pin) {
      const uint8_t missing = req.gpio[i].access & ~board::gpio_access(allow, pin);
      if (missing) return denied(Class::gpio, Field::gpio, pin, missing);
    }
  }
  for (uint32_t i = 0; i < req.num_i2c; ++i) {
    for (uint32_t a = 0; a < 128; ++a) {
      if (((req.i2c[i].addrs[a >> 5] >> (a & 31)) & 1) &&
          !board::i2c_allowed(allow, req.i2c[i].bus, static_cast<int32_t>(a))) {
        return denied(Class::i2c, Field::i2c, req.i2c[i].bus, a);
      }
    }
  }
  for (uint32_t i = 0; i < req.num_spi; ++i) {
    const board::SpiGrant& s = req.spi[i];
    for (uint32_t cs = 0; cs < PICOWASM_HAL_MAX_MASK_BITS; ++cs) {
      if (!((s.cs_mask >> cs) & 1)) continue;
      const board::SpiGrant* a = board::spi_grant(allow, s.bus, cs);
      if (!a) return denied(Class::spi, Field::spi, s.bus, cs);
      // A clock cap in the allowance binds: the request must name one at or below it.
      if (a->max_hz != 0 && (s.max_hz == 0 || s.max_hz > a->max_hz)) {
        return denied(Class::spi, Field::spi, s.bus, s.max_hz);
      }
    }
  }
  for (uint32_t i = 0; i < req.num_uart; ++i) {
    const uint8_t missing = req.uart[i].access & ~board::uart_access(allow, req.uart[i].port);
    if (missing) return denied(Class::uart, Field::uart, req.uart[i].port, missing);
  }
  if (uint32_t extra = req.pwm_channels & ~allow.pwm_channels) {
    return denied(Class::pwm, Field::pwm, lowest_bit(extra), 0);
  }
  if (uint32_t extra = req.adc_channels & ~allow.adc_channels) {
    return denied(Class::adc, Field::adc, lowest_bit(extra), 0);
  }
  if (req.time && !allow.time) return denied(Class::time, Field::time, 0, 0);
  if (req.log && !allow.log) return denied(Class::log, Field::log, 0, 0);
  return Result();
}

// The stricter of two rates (0: unlimited).
uint32_t stricter(uint32_t a, uint32_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return a < b ? a : b;
}

Result exceeded(Field f, uint32_t needed) {
  Result r = fail(Status::resources_exceeded, f);
  r.detail = needed;
  return r;
}

}  // namespace

Result admit_manifest(const Package& pkg, const Policy& policy, Admission* out) {
  const Manifest& m = pkg.manifest;
  out->instance_bytes = 0;

  for (uint32_t i = 0; i < policy.num_revoked_keys; ++i) {
    if (std::memcmp(policy.revoked_keys[i].bytes, pkg.key_id, kKeyIdBytes) == 0) {
      return fail(Status::revoked_key, Field::kid);
    }
  }
  out->publisher = nullptr;
  for (uint32_t i = 0; i < policy.num_publishers; ++i) {
    if (std::memcmp(policy.publishers[i].key.bytes, pkg.key_id, kKeyIdBytes) == 0) {
      out->publisher = &policy.publishers[i];
    }
  }
  if (!out->publisher || !out->publisher->allowance) {
    return fail(Status::untrusted_publisher, Field::kid);
  }
  for (uint32_t i = 0; i < policy.num_revoked_packages; ++i) {
    if (std::memcmp(policy.revoked_packages[i].bytes, out->signed_digest, kDigestBytes) == 0) {
      return fail(Status::revoked_package, Field::none);
    }
  }
  for (uint32_t i = 0; i < policy.num_revoked_versions; ++i) {
    const AppVersions& v = policy.revoked_versions[i];
    if (same_id(m.app_id, v.app_id) && m.version >= v.first && m.version <= v.last) {
      return fail(Status::revoked_version, Field::version);
    }
  }
  for (uint32_t i = 0; i < policy.num_min_versions; ++i) {
    const AppVersions& v = policy.min_versions[i];
    if (same_id(m.app_id, v.app_id) && m.version < v.first) {
      Result d = fail(Status::downgrade, Field::version);
      d.detail = v.first;
      return d;
    }
  }
  // Same major version; the device's minor at least the package's (minors only add).
  if ((m.min_hal_abi >> 16) != (policy.hal_abi_version >> 16) ||
      (m.min_hal_abi & 0xFFFFu) > (policy.hal_abi_version & 0xFFFFu)) {
    return fail(Status::hal_abi_mismatch, Field::min_hal_abi);
  }
  const Grant& allow = *out->publisher->allowance;
  const Result r = within(m.request, allow);
  if (!r.ok()) return r;
  out->grant = m.request;
  out->grant.trap_on_denial = allow.trap_on_denial;  // the policy's choice, not the app's
  for (uint32_t c = 1; c < board::kNumClasses; ++c) {
    out->grant.rate[c].calls_per_s =
        stricter(m.request.rate[c].calls_per_s, allow.rate[c].calls_per_s);
    out->grant.rate[c].bytes_per_s =
        stricter(m.request.rate[c].bytes_per_s, allow.rate[c].bytes_per_s);
  }
  const Resources& need = m.resources;
  if (policy.max_memory_bytes && need.memory_bytes > policy.max_memory_bytes) {
    return exceeded(Field::memory_bytes, need.memory_bytes);
  }
  if (policy.max_stack_bytes && need.stack_bytes > policy.max_stack_bytes) {
    return exceeded(Field::stack_bytes, need.stack_bytes);
  }
  if (policy.max_fuel && need.fuel > policy.max_fuel) return exceeded(Field::fuel, need.fuel);
  return Result();
}

Result admit(const Package& pkg, const Policy& policy, VerifyFn verify_fn, void* verify_ctx,
             const ModuleConfig& module_config, LoadedModule** module, Admission* out) {
  *module = nullptr;
  Result r = verify(pkg, verify_fn, verify_ctx, out->signed_digest);
  if (r.ok()) r = admit_manifest(pkg, policy, out);
  if (!r.ok()) return r;
  const Resources& need = pkg.manifest.resources;
  LoadedModule* loaded = nullptr;
  const Error e = load(pkg.bytes, pkg.size, module_config, &loaded);
  if (!e.ok()) {
    r = fail(Status::code_invalid);
    r.offset = e.offset;
    r.engine = e;
    return r;
  }
  // The manifest's memory must hold the module's declared initial memory.
  const Module& mod = loaded->module;
  if (mod.num_memories != 0) {
    const uint64_t min_bytes = uint64_t{mod.memories[0].limits.min} * PICOWASM_PAGE_SIZE;
    if (need.memory_bytes == 0 || min_bytes > need.memory_bytes) {
      return exceeded(Field::memory_bytes,
                      static_cast<uint32_t>(min_bytes > 0xFFFFFFFFu ? 0xFFFFFFFFu : min_bytes));
    }
  }
  const board::LinkError le = board::check_imports(*loaded, out->grant);
  if (!le.ok()) {
    r = fail(Status::import_not_requested, Field::capabilities);
    r.cls = le.missing;
    r.resource = le.error.function;
    return r;
  }
  InstanceConfig ic;
  ic.host_functions = board::kHalFunctions;
  ic.num_host_functions = board::kNumHalFunctions;
  ic.limits.memory_bytes = need.memory_bytes;
  ic.limits.stack_bytes = need.stack_bytes;
  const Error se = instance_size(*loaded, ic, &out->instance_bytes);
  if (!se.ok()) {
    r = fail(Status::resources_exceeded, Field::resources);
    r.engine = se;
    return r;
  }
  if (policy.max_instance_bytes && out->instance_bytes > policy.max_instance_bytes) {
    return exceeded(Field::resources, static_cast<uint32_t>(out->instance_bytes));
  }
  *module = loaded;
  return Result();
}

}  // namespace package
}  // namespace picowasm
