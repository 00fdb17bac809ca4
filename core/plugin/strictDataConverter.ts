import type { DataConverter } from '@temporalio/common';
import { WritError } from '../errors/writError';
import { STRICT_PAYLOAD_CONVERTER_PATH } from '../payload/strictPayloadConverterPath';

/**
 * `dataConverter` with Writ's payload converter in it, keeping everything else the user
 * set (payload codecs such as encryption, a failure converter, external storage): codecs
 * work on bytes before the converter reads them, so strictness is unaffected. A different
 * `payloadConverterPath` is refused (CONFIG_INVALID), never replaced in silence: its values
 * (protobufs, BigInts) would no longer decode, and kept, it would decode what the
 * authorize activity and the enforcement point must read strictly.
 */
export function strictDataConverter(dataConverter: DataConverter | undefined, where: string): DataConverter {
  requireStrictPayloadConverterPath(dataConverter?.payloadConverterPath, `${where}.dataConverter.payloadConverterPath`);
  return { ...(dataConverter ?? {}), payloadConverterPath: STRICT_PAYLOAD_CONVERTER_PATH };
}

/** Refuses (CONFIG_INVALID) a payload converter path other than Writ's own. */
export function requireStrictPayloadConverterPath(path: string | undefined, where: string): void {
  if (path === undefined || path === STRICT_PAYLOAD_CONVERTER_PATH) return;
  throw new WritError(
    'CONFIG_INVALID',
    `${where} is "${path}": WritPlugin installs its own payload converter, which reads JSON strictly so that what is recorded is what is authorized and run; remove the setting (payload codecs and a failure converter are kept)`,
    { issues: [{ path: where, message: "must be unset: WritPlugin installs Writ's strict payload converter" }] },
  );
}
