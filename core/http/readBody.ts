import type { IncomingMessage } from 'node:http';
import { WritError } from '../errors/writError';

/**
 * Reads a request body of the content type `type`, at most `maxBytes` of it: INPUT_INVALID
 * for another type, INPUT_TOO_LARGE past the bound (reading no further).
 */
export async function readBody(request: IncomingMessage, type: string, maxBytes: number): Promise<string> {
  const sent = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (sent !== type) throw new WritError('INPUT_INVALID', `the request is sent as ${type}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new WritError('INPUT_TOO_LARGE', `the request is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
