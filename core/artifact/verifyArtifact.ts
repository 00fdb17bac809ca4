import type { ArtifactClaims } from './claims';
import { checkApprovals } from './verify/checkApprovals';
import { checkBindings } from './verify/checkBindings';
import { checkPolicyCurrent } from './verify/checkPolicyCurrent';
import { checkSignature, type KeyResolver } from './verify/checkSignature';
import { checkWindow, type WindowPolicy } from './verify/checkWindow';
import { decodeArtifact } from './verify/decodeArtifact';
import type { ExecutionFacts } from './verify/executionFacts';
import { parseClaims } from './verify/parseClaims';

/** What the verifier trusts: the key set, the clock and the active policy digest. */
export interface VerificationContext extends WindowPolicy {
  readonly keys: KeyResolver;
  /** The digest of the policy set in force; omitted by an auditor judging history. */
  readonly activePolicyDigest?: string;
}

/**
 * Verifies an authorization artifact against the execution it is presented for. Each
 * step throws a WritError with its own code; the claims are returned only when all pass.
 */
export async function verifyArtifact(token: unknown, facts: ExecutionFacts, context: VerificationContext): Promise<ArtifactClaims> {
  const header = decodeArtifact(token);
  const payload = await checkSignature(token as string, header, context.keys);
  const claims = parseClaims(payload);
  // The key must have been the active signer when the artifact says it was issued.
  context.keys.requireActiveAt?.(header.kid, claims.iat);
  checkWindow(claims, context);
  checkBindings(claims, facts);
  checkApprovals(claims);
  if (context.activePolicyDigest !== undefined) checkPolicyCurrent(claims, context.activePolicyDigest);
  return claims;
}
