/**
 * The deepest nesting of arrays and objects Writ accepts, when parsing JSON text and when
 * canonicalising values. Real action arguments are a few levels deep; the cap exists so a
 * hostile document cannot exhaust the call stack (a RangeError would escape the stable
 * error codes) or burn CPU in a verifier.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * The largest JSON payload Writ's payload converter decodes: 2 MiB, the payload size
 * Temporal's server refuses beyond by default. A larger one cannot have come through a
 * server so configured, and decoding it would let one value hold a worker's memory and CPU.
 */
export const MAX_JSON_PAYLOAD_BYTES = 2 * 1024 * 1024;
