/* Bounds of the on-device app store (store/, docs/lifecycle.md). Each may be overridden with a
 * -D on the command line; the store's RAM (sizeof(picowasm::store::Store)) grows with them. */
#ifndef PICOWASM_STORE_CONFIG_H
#define PICOWASM_STORE_CONFIG_H

/* App entries the metadata can hold (each has two slots, A and B). A store formatted with
 * Config::num_apps uses that many; this is the most a firmware can ask for. */
#ifndef PICOWASM_STORE_MAX_APPS
#define PICOWASM_STORE_MAX_APPS 4u
#endif

/* The largest program granularity (BlockDevice::prog_size) the store handles: install buffers one
 * such unit of a stream in RAM (and a metadata update one on the stack), so that the flash is only
 * ever programmed in whole units. Internal flashes program 1 to 32 bytes at a time; an SPI NOR
 * flash can use 1 (its prog callback splits at page boundaries). */
#ifndef PICOWASM_STORE_MAX_PROG_BYTES
#define PICOWASM_STORE_MAX_PROG_BYTES 64u
#endif

/* Bytes read at a time when the store hashes or checks flash through BlockDevice::read (on the
 * stack). */
#ifndef PICOWASM_STORE_READ_CHUNK
#define PICOWASM_STORE_READ_CHUNK 64u
#endif

/* The most clean trial activations a confirmation rule may ask for (Config::confirm_after). */
#ifndef PICOWASM_STORE_MAX_CONFIRM_AFTER
#define PICOWASM_STORE_MAX_CONFIRM_AFTER 1000u
#endif

#endif /* PICOWASM_STORE_CONFIG_H */
