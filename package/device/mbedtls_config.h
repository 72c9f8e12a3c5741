/* The mbedTLS 2.28 modules the package verifier needs on a device (package/device/, also used by
 * scripts/package-footprint-m4.sh): SHA-256 and ECDSA verification on P-256, nothing else, with
 * every allocation served from a caller's static pool (picowasm/verify_pool.hpp), never the C heap. */
#ifndef PICOWASM_MBEDTLS_CONFIG_H
#define PICOWASM_MBEDTLS_CONFIG_H

#define MBEDTLS_HAVE_ASM          /* bignum multiply in assembly (Thumb-2 on a Cortex-M) */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NO_INTERNAL_RNG /* verification needs no random numbers */
#ifndef PICOWASM_MBEDTLS_NO_NIST_OPTIM /* 5x faster P-256 reduction for 0.8 KiB of flash */
#define MBEDTLS_ECP_NIST_OPTIM
#endif
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ASN1_PARSE_C      /* required by ECDSA_C (DER signatures, unused here) */
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER    /* a loop instead of the unrolled rounds */

/* mbedtls_calloc/free go through function pointers (PLATFORM_MEMORY) that the buffer allocator
 * points at the pool for the duration of one verification (verify_pool.cpp). */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS /* no libc calloc: outside a pool, allocation fails */
/* The allocator only exits on a corrupt pool, which cannot happen short of a bug: stop there. */
#define MBEDTLS_PLATFORM_EXIT_MACRO(status) __builtin_trap()
#define MBEDTLS_MEMORY_ALIGN_MULTIPLE 8

#include "mbedtls/check_config.h"

#endif
