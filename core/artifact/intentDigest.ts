import { canonicalDigest } from '../canonical/digest';

/**
 * The execution intent's digest: RFC 8785 canonical JSON of `{ action, args }`. The
 * action name sits inside the digested document, so the same arguments for another
 * action never share a digest.
 */
export function intentDigest(action: string, args: readonly unknown[]): string {
  return canonicalDigest({ action, args });
}
