import { randomUUID } from 'node:crypto';
import { sha256Digest } from '../canonical/digest';
import { ARTIFACT_AUDIENCE, ARTIFACT_ISSUER, ARTIFACT_TYP, ArtifactClaimsSchema, type ArtifactClaims } from './claims';
import { signCompactJws } from './signCompactJws';

/**
 * What signs artifacts and receipts: a key id and a way to sign with the key, never the
 * key itself, so the key can stay in a file Writ reads (`localSigner`) or in a token it
 * never leaves (`Pkcs11Signer`).
 */
export interface Signer {
  /** The key's id, put in every artifact's header so verifiers find the public key. */
  readonly kid: string;
  /**
   * The 64-byte Ed25519 signature of `signingInput` (the JWS signing input's ASCII bytes).
   * Synchronous for a key held in memory, so signing costs no extra turn of the event loop;
   * a promise for a key held elsewhere.
   */
  sign(signingInput: Uint8Array): Uint8Array | Promise<Uint8Array>;
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
  readonly approval?: NonNullable<ArtifactClaims['writ']['approval']>;
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
  const token = await signCompactJws(ARTIFACT_TYP, JSON.stringify(claims), signer);
  return { token, digest: sha256Digest(token), claims };
}
