import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { jsonPathOf } from '../canonical/jsonPath';
import { parseStrictJson } from '../canonical/parseStrictJson';
import { WritError } from '../errors/writError';
import { Ed25519PublicJwkSchema, KidSchema } from './ed25519Jwk';
import { errnoCode } from './errnoCode';
import { KEY_PURPOSES } from './keyPurpose';
import type { Assert, SameType } from '../types/sameType';

/** The manifest's file name inside a key store directory. */
export const MANIFEST_FILE = 'manifest.json';
/** The published key set's file name inside a key store directory. */
export const JWKS_FILE = 'jwks.json';
/** What ends the file name of each private key, after its kid. */
export const PRIVATE_KEY_SUFFIX = '.private.jwk.json';

/**
 * The life of a signing key. `active` signs (exactly one at a time); `verify-only` no
 * longer signs but stays in the published key set so artifacts it signed still verify;
 * `retired` is gone from the published set and its private key is deleted.
 */
export type KeyStatus = 'active' | 'verify-only' | 'retired';

/** Every `KeyStatus`, for the schemas that read one. */
export const KEY_STATUSES = ['active', 'verify-only', 'retired'] as const satisfies readonly KeyStatus[];
type _EveryKeyStatusListed = Assert<SameType<KeyStatus, (typeof KEY_STATUSES)[number]>>;

/**
 * One key in the manifest. The public JWK stays after retirement: it is public, and old
 * evidence may need it. `activatedAt` / `deactivatedAt` bound the period in which the key
 * was the active signer, so an auditor can tell whether a signature's `iat` falls inside
 * it; manifests written before they existed simply lack them. `heldIn` marks a key whose
 * private half is in a token (`writ keys pkcs11 activate`): the directory has no file for it.
 * `purpose` says what the key signs; an entry written before keys had purposes lacks it and
 * is an authorization key that also signed receipts.
 */
export const KeyStoreEntrySchema = z
  .strictObject({
    kid: KidSchema,
    createdAt: z.iso.datetime(),
    status: z.enum(KEY_STATUSES),
    publicJwk: Ed25519PublicJwkSchema,
    purpose: z.enum(KEY_PURPOSES).optional(),
    activatedAt: z.iso.datetime().optional(),
    deactivatedAt: z.iso.datetime().optional(),
    /** Where the private key is when it is not in this directory: a PKCS#11 token it never leaves. */
    heldIn: z.literal('pkcs11').optional(),
  })
  .refine((entry) => entry.deactivatedAt === undefined || (entry.activatedAt !== undefined && Date.parse(entry.activatedAt) <= Date.parse(entry.deactivatedAt)), {
    message: 'deactivatedAt needs an earlier activatedAt',
    path: ['deactivatedAt'],
  })
  .refine((entry) => entry.status !== 'active' || entry.deactivatedAt === undefined, {
    message: 'an active key has no deactivatedAt',
    path: ['deactivatedAt'],
  });

/** A manifest entry. */
export type KeyStoreEntry = z.infer<typeof KeyStoreEntrySchema>;

/**
 * `manifest.json`, the key store's source of truth: which keys exist, when each was
 * created and what it may do. `jwks.json` is derived from it on every change.
 */
export const KeyStoreManifestSchema = z
  .strictObject({
    format: z.literal('writ-keystore'),
    version: z.literal(1),
    keys: z.array(KeyStoreEntrySchema),
  })
  .superRefine((manifest, context) => {
    const seen = new Set<string>();
    manifest.keys.forEach((entry, index) => {
      if (seen.has(entry.kid)) context.addIssue({ code: 'custom', path: ['keys', index, 'kid'], message: 'kid appears twice' });
      seen.add(entry.kid);
    });
    if (manifest.keys.filter((entry) => entry.status === 'active').length > 1) {
      context.addIssue({ code: 'custom', path: ['keys'], message: 'more than one active key' });
    }
  });

/** The parsed manifest. */
export type KeyStoreManifest = z.infer<typeof KeyStoreManifestSchema>;

/** The manifest of a store that has no key yet. */
export function emptyKeyStoreManifest(): KeyStoreManifest {
  return { format: 'writ-keystore', version: 1, keys: [] };
}

/**
 * Reads and validates the manifest of the store in `directory`. A missing manifest is an
 * empty store, unless the directory still holds key files: then the manifest was lost, and
 * starting afresh would orphan keys that verifiers still trust, so it is
 * `KEYSTORE_INVALID`, as is an unreadable, non-JSON or invalid manifest.
 */
export function readKeyStoreManifest(directory: string): KeyStoreManifest {
  const file = path.join(directory, MANIFEST_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw new WritError('KEYSTORE_INVALID', `cannot read ${file}`, { cause: error });
    assertNoOrphanedKeyFiles(directory);
    return emptyKeyStoreManifest();
  }
  let json: unknown;
  try {
    json = parseStrictJson(text);
  } catch (error) {
    const issues = error instanceof WritError ? error.issues : [];
    throw new WritError('KEYSTORE_INVALID', `${file} is not valid JSON`, { issues, cause: error });
  }
  const parsed = KeyStoreManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: jsonPathOf(issue.path), message: issue.message }));
    throw new WritError('KEYSTORE_INVALID', `${file} is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
      issues,
    });
  }
  return parsed.data;
}

function assertNoOrphanedKeyFiles(directory: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(directory);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw new WritError('KEYSTORE_INVALID', `cannot read the key store directory ${directory}`, { cause: error });
  }
  if (names.some((name) => name === JWKS_FILE || name.endsWith(PRIVATE_KEY_SUFFIX))) {
    throw new WritError('KEYSTORE_INVALID', `${MANIFEST_FILE} is missing from ${directory}, which still holds key files`);
  }
}
