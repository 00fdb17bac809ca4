import type { IncomingMessage } from 'node:http';
import { WritError } from '../errors/writError';

/** The largest form body read, in bytes: Writ's forms hold a name, a token or a reason. */
export const MAX_FORM_BYTES = 8192;

/**
 * Reads an `application/x-www-form-urlencoded` request body of at most `maxBytes`
 * (`INPUT_TOO_LARGE` beyond, read no further; `INPUT_INVALID` for another content type).
 */
export async function readForm(request: IncomingMessage, maxBytes = MAX_FORM_BYTES): Promise<URLSearchParams> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new WritError('INPUT_INVALID', 'the form is sent as application/x-www-form-urlencoded');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new WritError('INPUT_TOO_LARGE', `the form is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
