/* The mbedTLS 2.28 modules the package verifier needs on a Cortex-M (scripts/package-footprint-m4.sh):
 * SHA-256 and ECDSA verification on P-256, nothing else. */
#ifndef PICOWASM_MBEDTLS_CONFIG_M4_H
#define PICOWASM_MBEDTLS_CONFIG_M4_H

#define MBEDTLS_HAVE_ASM          /* bignum multiply in Thumb-2 assembly */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NO_INTERNAL_RNG /* verification needs no random numbers */
#ifdef PICOWASM_MBEDTLS_NIST_OPTIM /* 5x faster P-256 reduction for 0.8 KiB of flash */
#define MBEDTLS_ECP_NIST_OPTIM
#endif
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ASN1_PARSE_C      /* required by ECDSA_C (DER signatures, unused here) */
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER    /* a loop instead of the unrolled rounds */

#include "mbedtls/check_config.h"

#endif
