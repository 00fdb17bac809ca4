/**
 * The absolute path of Writ's payload converter module, as `payloadConverterPath` takes it:
 * the `.ts` source under jest, the `.js` file in the published build. Kept apart from the
 * converter itself, which the workflow bundle includes and where `require.resolve` would
 * mean a webpack module id.
 */
export const STRICT_PAYLOAD_CONVERTER_PATH: string = require.resolve('./strictPayloadConverter');

/** The string the converter module carries (`WRIT_STRICT_PAYLOADS`), found in every bundle that holds it. */
export const STRICT_PAYLOADS_MARK = 'writ:strict-payloads/1';
