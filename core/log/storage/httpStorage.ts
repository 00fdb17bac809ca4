import { WritError } from '../../errors/writError';
import type { TileStorage } from '../tiles/tileStorage';

/** The largest file a log serves: a full hash tile is 8 KiB, a full entry bundle at most 256 × 64 KiB. */
const MAX_FILE_BYTES = 256 * (2 + 0xffff);

/** Options of `HttpStorage`. */
export interface HttpStorageOptions {
  /** How long one request may take before the read fails (default 30 s). */
  readonly timeoutMs?: number;
  /** The fetch to use (tests and proxies inject theirs); the global one by default. */
  readonly fetch?: typeof fetch;
}

/**
 * A log's files read over HTTP(S) from a URL prefix, as tlog-tiles lets any log be served:
 * `<prefix>/checkpoint`, `<prefix>/tile/...`, `<prefix>/tile/entries/...` as static files.
 * A 404 is a file the log does not have (the reader then tries the full tile for a partial
 * one, or reports the log incomplete); any other status, a redirect to elsewhere, a timeout
 * or a network failure is LOG_UNREACHABLE, never an empty answer, since a reader that took
 * an error for a missing file could be steered to another view of the log. Nothing read is
 * trusted: the reader verifies it all against a checkpoint it verified.
 */
export class HttpStorage implements TileStorage {
  readonly prefix: URL;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  /** `prefix` is the log's URL (http or https), with or without its trailing slash. LOG_UNREACHABLE for anything else. */
  constructor(prefix: string | URL, options: HttpStorageOptions = {}) {
    let url: URL;
    try {
      url = new URL(prefix);
    } catch (cause) {
      throw new WritError('LOG_UNREACHABLE', `${String(prefix)} is not a URL`, { cause });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WritError('LOG_UNREACHABLE', `a log is read over http or https, not ${url.protocol}`);
    if (url.search !== '' || url.hash !== '') throw new WritError('LOG_UNREACHABLE', 'a log URL is a prefix: no query, no fragment');
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new WritError('LOG_UNREACHABLE', `timeoutMs must be a positive whole number, got ${timeoutMs}`);
    this.prefix = url;
    this.#timeoutMs = timeoutMs;
    this.#fetch = options.fetch ?? fetch;
  }

  async read(path: string): Promise<Buffer | undefined> {
    const url = new URL(path, this.prefix);
    // Paths are tlog-tiles paths, relative; one that leaves the prefix is not the log's.
    if (!url.href.startsWith(this.prefix.href)) throw new WritError('LOG_UNREACHABLE', `${path} is outside the log at ${this.prefix.href}`);
    let response: Response;
    try {
      response = await this.#fetch(url, { redirect: 'error', signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (cause) {
      throw new WritError('LOG_UNREACHABLE', `cannot read ${url.href}: ${(cause as Error).message}`, { cause });
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new WritError('LOG_UNREACHABLE', `${url.href} answered ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_FILE_BYTES) {
      await response.body?.cancel();
      throw new WritError('LOG_CORRUPT', `${url.href} is ${declared} bytes, more than any log file`);
    }
    let data: Buffer;
    try {
      data = Buffer.from(await response.arrayBuffer());
    } catch (cause) {
      throw new WritError('LOG_UNREACHABLE', `cannot read ${url.href}: ${(cause as Error).message}`, { cause });
    }
    if (data.length > MAX_FILE_BYTES) throw new WritError('LOG_CORRUPT', `${url.href} is ${data.length} bytes, more than any log file`);
    return data;
  }
}
