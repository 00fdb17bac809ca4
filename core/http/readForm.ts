import type { IncomingMessage } from 'node:http';
import { readBody } from './readBody';

/** The largest form body read, in bytes: Writ's forms hold a name, a token or a reason. */
export const MAX_FORM_BYTES = 8192;

/**
 * Reads an `application/x-www-form-urlencoded` request body of at most `maxBytes`
 * (`INPUT_TOO_LARGE` beyond, read no further; `INPUT_INVALID` for another content type).
 */
export async function readForm(request: IncomingMessage, maxBytes = MAX_FORM_BYTES): Promise<URLSearchParams> {
  return new URLSearchParams(await readBody(request, 'application/x-www-form-urlencoded', maxBytes));
}
