import { randomUUID, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { sha256Digest } from '../canonical/digest';
import { WritError } from '../errors/writError';
import { ARTIFACT_ALG, ARTIFACT_AUDIENCE, ARTIFACT_ISSUER, ARTIFACT_TYP, ArtifactClaimsSchema, type ArtifactClaims } from './claims';

/** The active signing key: never logged, never written to history. */
export interface Signer {
  readonly kid: string;
  readonly key: KeyObject;
}

/** A minted artifact: the compact JWS, its digest (the lineage link) and its claims. */
export interface MintedArtifact {
  readonly token: string;
  readonly digest: string;
  readonly claims: ArtifactClaims;
}

/** What the caller decides; Writ fills in issuer, audience, id and window. */
export interface ArtifactContent {
  readonly principal: ArtifactClaims['writ']['principal'];
  readonly runtime: ArtifactClaims['writ']['runtime'];
  readonly policy: ArtifactClaims['writ']['policy'];
  readonly intent: ArtifactClaims['writ']['intent'];
  readonly environment: ArtifactClaims['writ']['environment'];
  readonly lineage: ArtifactClaims['writ']['lineage'];
}

/**
 * Signs an authorization artifact valid from `now` for `ttlSeconds`. The claims are
 * checked against the same strict schema the enforcement point uses before signing, so
 * Writ never issues an artifact it would itself reject. A signing failure is
 * SIGNER_UNAVAILABLE, without key material in the message.
 */
export async function mintArtifact(content: ArtifactContent, signer: Signer, now: Date, ttlSeconds: number): Promise<MintedArtifact> {
  const iat = Math.floor(now.getTime() / 1000);
  const claims = ArtifactClaimsSchema.parse({
    iss: ARTIFACT_ISSUER,
    aud: ARTIFACT_AUDIENCE,
    sub: content.principal.id,
    jti: randomUUID(),
    iat,
    nbf: iat,
    exp: iat + ttlSeconds,
    writ: { v: 1, ...content },
  } satisfies ArtifactClaims);
  let token: string;
  try {
    token = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: ARTIFACT_ALG, typ: ARTIFACT_TYP, kid: signer.kid })
      .sign(signer.key);
  } catch (error) {
    throw new WritError('SIGNER_UNAVAILABLE', `signing with key ${signer.kid} failed: ${(error as Error).name}`);
  }
  return { token, digest: sha256Digest(token), claims };
}
