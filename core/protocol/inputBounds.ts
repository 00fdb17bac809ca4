// How large a governed action's argument may be. Workflow code imports this file: it uses
// no Node built-ins, only what the workflow sandbox has, and is deterministic.
import { WritError } from '../errors/writError';

/**
 * The default bound on one governed argument, as the payload converter encodes it: 256 KiB.
 * Temporal refuses a payload over 2 MB (and warns from 512 KB), and a governed argument
 * travels more than once: in the `writ.authorize` input, again as the action's own input
 * (history stores it twice), inside the approval request an approver reads, and in
 * canonical JSON for the digests the artifact binds. 256 KiB keeps each of those well under
 * the limit, so an oversized argument is refused with a reason instead of failing the
 * workflow task again and again.
 */
export const DEFAULT_MAX_INPUT_BYTES = 256 * 1024;

/**
 * The largest bound a proxy may set, and the fixed cap the authorize activity and the
 * enforcement point apply to every argument (a hand-written workflow can skip the proxy):
 * 1 MiB, half of Temporal's payload limit, since the argument is also carried inside the
 * authorize input beside the identity token and the approvals.
 */
export const MAX_INPUT_BYTES_CEILING = 1024 * 1024;

/**
 * The size of `value` as Temporal's default payload converter encodes it: undefined as an
 * empty binary/null payload, a Uint8Array as its bytes, anything else as the UTF-8 bytes of
 * `JSON.stringify(value)` (json/plain). Counted without allocating the encoding; a lone
 * surrogate counts as the three bytes of the U+FFFD that UTF-8 encoding writes for it.
 */
export function encodedInputBytes(value: unknown): number {
  if (value === undefined) return 0;
  if (value instanceof Uint8Array) return value.byteLength;
  const json = JSON.stringify(value);
  return json === undefined ? 0 : utf8Length(json);
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * The bound a proxy uses: `DEFAULT_MAX_INPUT_BYTES` when none is given, otherwise a whole
 * number of bytes from 1 to `MAX_INPUT_BYTES_CEILING` (CONFIG_INVALID otherwise).
 */
export function resolveMaxInputBytes(maxInputBytes: unknown): number {
  if (maxInputBytes === undefined) return DEFAULT_MAX_INPUT_BYTES;
  if (typeof maxInputBytes !== 'number' || !Number.isSafeInteger(maxInputBytes) || maxInputBytes < 1 || maxInputBytes > MAX_INPUT_BYTES_CEILING) {
    throw new WritError('CONFIG_INVALID', `maxInputBytes must be a whole number of bytes from 1 to ${MAX_INPUT_BYTES_CEILING}, got ${String(maxInputBytes)}`, {
      issues: [{ path: 'maxInputBytes', message: `expected an integer in [1, ${MAX_INPUT_BYTES_CEILING}]` }],
    });
  }
  return maxInputBytes;
}

/**
 * Refuses (INPUT_TOO_LARGE) any argument of `action` whose encoded size exceeds `maxBytes`,
 * naming the argument, its size and the bound.
 */
export function requireBoundedInput(action: string, args: readonly unknown[], maxBytes: number = MAX_INPUT_BYTES_CEILING): void {
  args.forEach((arg, index) => {
    const bytes = encodedInputBytes(arg);
    if (bytes > maxBytes) {
      throw new WritError('INPUT_TOO_LARGE', `argument ${index} of ${action} encodes to ${bytes} bytes, more than the ${maxBytes} allowed`, {
        facts: { action, argument: index, bytes, maxBytes },
      });
    }
  });
}
