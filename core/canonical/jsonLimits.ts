/**
 * The deepest nesting of arrays and objects Writ accepts, when parsing JSON text and when
 * canonicalising values. Real action arguments are a few levels deep; the cap exists so a
 * hostile document cannot exhaust the call stack (a RangeError would escape the stable
 * error codes) or burn CPU in a verifier.
 */
export const MAX_JSON_DEPTH = 256;
