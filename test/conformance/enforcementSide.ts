import { defaultPayloadConverter } from '@temporalio/common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KeyResolver } from '../../core/artifact/verify/checkSignature';
import type { ExecutionFacts } from '../../core/artifact/verify/executionFacts';
import { verifyArtifact } from '../../core/artifact/verifyArtifact';
import { isWritError, type WritErrorCode } from '../../core/errors/writError';
import { KeyStore, type KeyRecord } from '../../core/keys/keyStore';
import { MANIFEST_FILE } from '../../core/keys/keyStoreManifest';
import { KeyStoreTrust } from '../../core/keys/keyStoreTrust';
import { TrustedKeySet } from '../../core/keys/trustedKeySet';
import { keyRecordsOf, type ConformanceCase } from './conformanceCase';

/** What a verifier made of a case: accepted, refused with a code, or crashed. */
export type EnforcementOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: WritErrorCode }
  | { readonly crashed: unknown };

/**
 * Runs a case through `verifyArtifact` exactly as the enforcement interceptor calls it: the
 * artifact and the args arrive through the default payload converter (as from the activity
 * header and input), and the clock, the window settings and the active policy digest are
 * the case's. The keys are a plain `TrustedKeySet` built from the case's public JWKS; when
 * the case records signing periods, they are what a worker uses instead, a `KeyStoreTrust`
 * over a key store whose manifest holds those periods (public halves only), with the
 * tolerance `openGovernance` gives it: the clock skew plus the rotation grace.
 */
export async function enforceCase(conformanceCase: ConformanceCase): Promise<EnforcementOutcome> {
  const records = keyRecordsOf(conformanceCase);
  const storeDir = records === null ? null : publicKeyStore(records);
  try {
    const now = new Date(conformanceCase.now);
    const keys: KeyResolver =
      storeDir === null
        ? TrustedKeySet.fromJwks(conformanceCase.keys)
        : new KeyStoreTrust(KeyStore.open(storeDir), conformanceCase.clockSkewSeconds, conformanceCase.signingPeriods?.keyRotationGraceSeconds ?? 0, () => now.getTime());
    const token = throughPayload(conformanceCase.token);
    const facts: ExecutionFacts = { ...conformanceCase.facts, args: conformanceCase.facts.args.map(throughPayload) };
    await verifyArtifact(token, facts, {
      keys,
      now,
      clockSkewSeconds: conformanceCase.clockSkewSeconds,
      maxLifetimeSeconds: conformanceCase.maxLifetimeSeconds,
      ...(conformanceCase.activePolicyDigest === undefined ? {} : { activePolicyDigest: conformanceCase.activePolicyDigest }),
    });
    return { ok: true };
  } catch (error) {
    return isWritError(error) ? { ok: false, code: error.code } : { crashed: error };
  } finally {
    if (storeDir !== null) fs.rmSync(storeDir, { recursive: true, force: true });
  }
}

/** A value as a worker receives it: encoded to a Temporal payload and decoded again. */
export function throughPayload(value: unknown): unknown {
  return defaultPayloadConverter.fromPayload(defaultPayloadConverter.toPayload(value));
}

/** A temporary key store directory holding only a manifest: the records' public halves and periods. */
function publicKeyStore(records: readonly KeyRecord[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-conformance-keys-'));
  const manifest = {
    format: 'writ-keystore',
    version: 1,
    keys: records.map((record) => ({
      kid: record.kid,
      createdAt: record.createdAt,
      status: record.status,
      publicJwk: { kty: record.publicJwk.kty, crv: record.publicJwk.crv, x: record.publicJwk.x },
      ...(record.activatedAt === null ? {} : { activatedAt: record.activatedAt }),
      ...(record.deactivatedAt === null ? {} : { deactivatedAt: record.deactivatedAt }),
    })),
  };
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest));
  return dir;
}
