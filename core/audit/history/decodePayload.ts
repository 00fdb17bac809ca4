import type { Payload } from '@temporalio/common';
import { PayloadRefusal } from '../../payload/payloadRefusal';
import { payloadConverter } from '../../payload/strictPayloadConverter';

export type { Payload };

/** A payload as the auditor read it: its value, or why it could not be read. */
export type Decoded = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/**
 * Decodes a payload with Writ's strict payload converter, the one the worker used: the
 * auditor must see exactly the values the enforcement point saw, and bytes that say two
 * things (a duplicate member, a number that does not read back as written, a lone
 * surrogate) are not read as either. A payload it cannot decode (one of those, an encoding
 * it does not know, a codec such as encryption) is reported with its code, never guessed at.
 */
export function decodePayload(payload: Payload | null | undefined): Decoded {
  if (payload === undefined || payload === null) return { ok: true, value: undefined };
  try {
    return { ok: true, value: payloadConverter.fromPayload(payload) };
  } catch (error) {
    const code = error instanceof PayloadRefusal ? `${error.code}: ` : '';
    return { ok: false, reason: `payload does not decode: ${code}${(error as Error).message}` };
  }
}

/** Decodes a list of payloads (activity input, failure details). */
export function decodePayloads(payloads: readonly (Payload | null)[] | null | undefined): Decoded[] {
  return (payloads ?? []).map((payload) => decodePayload(payload));
}

/** The values of decoded payloads, or undefined when any did not decode. */
export function valuesOf(decoded: readonly Decoded[]): unknown[] | undefined {
  const values: unknown[] = [];
  for (const item of decoded) {
    if (!item.ok) return undefined;
    values.push(item.value);
  }
  return values;
}
