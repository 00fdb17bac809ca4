import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import type { Signer } from '../artifact/mintArtifact';
import { WritError } from '../errors/writError';
import {
  Ed25519PublicJwkSchema,
  KidSchema,
  toPublicSigningJwk,
  type Ed25519PrivateJwk,
  type Ed25519PublicJwk,
  type PublicSigningJwk,
} from './ed25519Jwk';
import { errnoCode } from './errnoCode';
import { localSigner } from './localSigner';
import type { KeyPurpose } from './keyPurpose';
import {
  JWKS_FILE,
  MANIFEST_FILE,
  PRIVATE_KEY_SUFFIX,
  readKeyStoreManifest,
  type KeyStatus,
  type KeyStoreEntry,
  type KeyStoreManifest,
} from './keyStoreManifest';
import { readPrivateSigningKey } from './readPrivateSigningKey';
import { writeFileAtomicSync } from './writeFileAtomic';

/** What the key store tells about a key: never any key material. */
export interface KeyInfo {
  /** The key's RFC 7638 thumbprint. */
  readonly kid: string;
  /** ISO 8601 instant from the store's clock. */
  readonly createdAt: string;
  /** Whether the key signs, only verifies, or is retired. */
  readonly status: KeyStatus;
  /** Present when the private key is not in the directory but in a PKCS#11 token. */
  readonly heldIn?: 'pkcs11';
  /** What the key signs: authorization artifacts or execution receipts. */
  readonly purpose: KeyPurpose;
}

/** The active private key, ready for jose's `sign` (`loadSigner` gives a `Signer` over it). */
export interface SigningKey {
  /** The key's RFC 7638 thumbprint. */
  readonly kid: string;
  /** The Ed25519 private key. */
  readonly key: KeyObject;
}

/** Options of `KeyStore.open`. */
export interface KeyStoreOptions {
  /** The clock for `createdAt`; tests inject one. */
  readonly clock?: () => Date;
  /**
   * What the store's keys sign (default `authorization`): an authorizer's key directory
   * holds authorization keys, an executor's receipt keys. A directory holding keys of the
   * other purpose is refused (`KEYSTORE_INVALID`), so a receipt key directory cannot be
   * pointed at the authorization keys by mistake, nor the reverse.
   */
  readonly purpose?: KeyPurpose;
}

/** A key as auditors need it: public half, status and signing period (see `exportKeyRecords`). */
export interface KeyRecord {
  /** The key's RFC 7638 thumbprint. */
  readonly kid: string;
  /** ISO 8601 instant from the store's clock. */
  readonly createdAt: string;
  /** Whether the key signs, only verifies, or is retired. */
  readonly status: KeyStatus;
  /** When the key became the active signer; null when it never was, or the manifest predates the field. */
  readonly activatedAt: string | null;
  /** When it stopped being the active signer; null while active (or never active). */
  readonly deactivatedAt: string | null;
  /** The public key as published (with its purpose); kept after retirement, since old evidence may need it. */
  readonly publicJwk: PublicSigningJwk;
}

/** The public key set, as published in `jwks.json`. */
export interface PublicJwks {
  /** The active key first, then verify-only keys, newest first; never a retired key. */
  readonly keys: PublicSigningJwk[];
}

const PRIVATE_FILE_MODE = 0o600;
const PUBLIC_FILE_MODE = 0o644;
const DIRECTORY_MODE = 0o700;

interface GeneratedKey {
  readonly kid: string;
  readonly publicJwk: Ed25519PublicJwk;
  readonly privateJwk: Ed25519PrivateJwk;
}

/**
 * Writ's Ed25519 signing keys in one directory: `manifest.json` (the source of truth),
 * `<kid>.private.jwk.json` (mode 0600, one per key that is not retired) and `jwks.json`
 * (the public set, rewritten on every change). A kid is the key's RFC 7638 thumbprint.
 * Every key of a store has the store's purpose (authorization or receipt), recorded in the
 * manifest and published with the key; a manifest entry written before keys had purposes
 * is an authorization key, published without a purpose since it also signed receipts.
 *
 * Every file is validated when read and written atomically. Private key material never
 * appears in an error, a log or a returned value, except the `KeyObject` of
 * `loadSigningKey`. Changes are safe against each other inside one process (each one reads,
 * modifies and writes the manifest without yielding); across processes, run one key
 * command at a time.
 *
 * A key can also be held in a PKCS#11 token (`activateTokenKey`): the manifest publishes
 * it and records its signing period like any other, and no file holds its private half.
 */
export class KeyStore {
  /** The store's directory, absolute. */
  readonly directory: string;
  /** What the store's keys sign. */
  readonly purpose: KeyPurpose;
  private readonly clock: () => Date;

  private constructor(directory: string, purpose: KeyPurpose, clock: () => Date) {
    this.directory = directory;
    this.purpose = purpose;
    this.clock = clock;
  }

  /** Opens the store in `dir` without touching the disk; `create` makes the directory. */
  static open(dir: string, options: KeyStoreOptions = {}): KeyStore {
    if (typeof dir !== 'string' || dir.trim() === '') {
      throw new WritError('CONFIG_INVALID', 'key store directory must be a non-empty path');
    }
    const purpose = options.purpose ?? 'authorization';
    if (purpose !== 'authorization' && purpose !== 'receipt') throw new WritError('CONFIG_INVALID', 'key store purpose must be "authorization" or "receipt"');
    return new KeyStore(path.resolve(dir), purpose, options.clock ?? (() => new Date()));
  }

  /** Where the public key set is published. */
  get jwksPath(): string {
    return path.join(this.directory, JWKS_FILE);
  }

  /** Every key the store knows, retired ones included, oldest first. */
  list(): KeyInfo[] {
    return this.readManifest().keys.map(toKeyInfo);
  }

  /**
   * Generates a key. With no active key in the store it becomes the active one; otherwise
   * it is published as verify-only, so verifiers learn it before it could ever sign.
   */
  async create(): Promise<KeyInfo> {
    const generated = await this.generate();
    // From here on nothing awaits: the read-modify-write cannot interleave with another change.
    const manifest = this.readManifest();
    const status: KeyStatus = manifest.keys.some((entry) => entry.status === 'active') ? 'verify-only' : 'active';
    return this.commitNewKey(manifest, generated, status, this.clock());
  }

  /** The active key, created first when there is none (used by development set-up). */
  async ensureActive(): Promise<KeyInfo> {
    const existing = this.findActive(this.readManifest());
    if (existing !== undefined) return toKeyInfo(existing);
    const generated = await this.generate();
    const manifest = this.readManifest();
    // A concurrent caller may have made one while this one was generating: keep theirs.
    const raced = this.findActive(manifest);
    if (raced !== undefined) return toKeyInfo(raced);
    return this.commitNewKey(manifest, generated, 'active', this.clock());
  }

  /**
   * Makes a new key active. The previous active key becomes verify-only: it signs no more
   * but stays in the public set, so artifacts already signed with it still verify.
   */
  async rotate(): Promise<KeyInfo> {
    const generated = await this.generate();
    const manifest = this.readManifest();
    // One instant ends the old key's signing period and starts the new one's.
    const now = this.clock();
    const demoted: KeyStoreManifest = {
      ...manifest,
      keys: manifest.keys.map((entry) => (entry.status === 'active' ? { ...endSigningPeriod(entry, now), status: 'verify-only' } : entry)),
    };
    return this.commitNewKey(demoted, generated, 'active', now);
  }

  /**
   * Retires a key: it leaves the public set and its private key file is deleted. Retiring
   * the active key (say, after a compromise) leaves the store without a signer until
   * `create` or `rotate`. Retiring a retired key changes nothing.
   */
  retire(kid: string): KeyInfo {
    const manifest = this.readManifest();
    const target = manifest.keys.find((entry) => entry.kid === kid);
    if (target === undefined) throw new WritError('KEY_NOT_FOUND', `no key with kid ${JSON.stringify(kid)} in the store`);
    if (target.status === 'retired') return toKeyInfo(target);
    // Retiring the active key also ends its signing period; a verify-only key's ended at rotation.
    const ended = target.status === 'active' ? endSigningPeriod(target, this.clock()) : target;
    const updated: KeyStoreManifest = {
      ...manifest,
      keys: manifest.keys.map((entry) => (entry.kid === kid ? { ...ended, status: 'retired' } : entry)),
    };
    this.writeManifestAndJwks(updated);
    // Deleted last: if this step fails the key is already untrusted everywhere.
    this.write(() => fs.rmSync(this.privateKeyPath(target.kid), { force: true }));
    return { ...toKeyInfo(target), status: 'retired' };
  }

  /**
   * Every key the store has ever held, retired ones included, oldest first: its published
   * JWK, status and the period in which it was the active signer (null bounds where the
   * manifest does not record them). Auditors need this to judge a signature years later:
   * a key's public half stays useful long after it stopped signing. Never has `d`.
   */
  exportKeyRecords(): KeyRecord[] {
    return this.readManifest().keys.map((entry) => ({
      kid: entry.kid,
      createdAt: entry.createdAt,
      status: entry.status,
      activatedAt: entry.activatedAt ?? null,
      deactivatedAt: entry.deactivatedAt ?? null,
      publicJwk: toPublicSigningJwk(entry.kid, entry.publicJwk, entry.purpose),
    }));
  }

  /** The public key set: the active key first, then verify-only keys, newest first. Never has `d`. */
  exportPublicJwks(): PublicJwks {
    return publicJwksOf(this.readManifest());
  }

  /**
   * Makes a key whose private half is in a PKCS#11 token the active signer, as `rotate`
   * does for a new key here: the previous active key becomes verify-only, and this one is
   * published with its signing period from now. Only the public JWK comes in; no file is
   * written for the private key. Activating the active key again changes nothing; a key
   * that has stopped signing never signs again (KEYSTORE_INVALID).
   */
  async activateTokenKey(publicJwk: Pick<PublicSigningJwk, 'kty' | 'crv' | 'x'>): Promise<KeyInfo> {
    const parsed = Ed25519PublicJwkSchema.safeParse({ kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x });
    if (!parsed.success) throw new WritError('KEYSTORE_INVALID', 'the key to activate is not an Ed25519 public JWK');
    const kid = await calculateJwkThumbprint(parsed.data, 'sha256');
    const manifest = this.readManifest();
    const known = manifest.keys.find((entry) => entry.kid === kid);
    if (known?.status === 'active') return toKeyInfo(known);
    if (known !== undefined) {
      throw new WritError('KEYSTORE_INVALID', `key ${kid} is ${known.status} in ${this.directory}: a key that stopped signing never signs again; create a new key in the token`);
    }
    const now = this.clock();
    const entry: KeyStoreEntry = {
      kid,
      createdAt: now.toISOString(),
      status: 'active',
      publicJwk: parsed.data,
      activatedAt: now.toISOString(),
      purpose: this.purpose,
      heldIn: 'pkcs11',
    };
    const demoted = manifest.keys.map((other) => (other.status === 'active' ? { ...endSigningPeriod(other, now), status: 'verify-only' as const } : other));
    this.write(() => fs.mkdirSync(this.directory, { recursive: true, mode: DIRECTORY_MODE }));
    this.writeManifestAndJwks({ ...manifest, keys: [...demoted, entry] });
    return toKeyInfo(entry);
  }

  /**
   * The active private key as a node:crypto KeyObject. Refused with `SIGNER_UNAVAILABLE`
   * when there is no active key, it is held in a token, or its file is missing,
   * unreadable, readable by others, malformed, or holds a key other than the one the
   * manifest publishes.
   */
  async loadSigningKey(): Promise<SigningKey> {
    const active = this.findActive(this.readManifest());
    if (active === undefined) throw new WritError('SIGNER_UNAVAILABLE', `the key store has no active ${this.purpose} key`);
    if (active.heldIn !== undefined) {
      throw new WritError('SIGNER_UNAVAILABLE', `the active signing key ${active.kid} is held in a PKCS#11 token, not in ${this.directory}: configure the pkcs11 signer ("signer" in writ.config.json)`);
    }
    return { kid: active.kid, key: await readPrivateSigningKey(this.privateKeyPath(active.kid), active) };
  }

  /** The active key as a `Signer` (see `loadSigningKey` for what is refused). */
  async loadSigner(): Promise<Signer> {
    const { kid, key } = await this.loadSigningKey();
    return localSigner(kid, key);
  }

  private async generate(): Promise<GeneratedKey> {
    const { privateKey } = generateKeyPairSync('ed25519');
    const exported = privateKey.export({ format: 'jwk' });
    if (typeof exported.x !== 'string' || typeof exported.d !== 'string') {
      throw new WritError('KEYSTORE_INVALID', 'generated key could not be exported as a JWK');
    }
    const publicJwk: Ed25519PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: exported.x };
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    return { kid, publicJwk, privateJwk: { ...publicJwk, d: exported.d, kid } };
  }

  private commitNewKey(manifest: KeyStoreManifest, generated: GeneratedKey, status: KeyStatus, now: Date): KeyInfo {
    const entry: KeyStoreEntry = {
      kid: generated.kid,
      createdAt: now.toISOString(),
      status,
      publicJwk: generated.publicJwk,
      purpose: this.purpose,
      // A key created verify-only never signs: nothing can activate an existing key later.
      ...(status === 'active' ? { activatedAt: now.toISOString() } : {}),
    };
    const updated: KeyStoreManifest = { ...manifest, keys: [...manifest.keys, entry] };
    this.write(() => {
      fs.mkdirSync(this.directory, { recursive: true, mode: DIRECTORY_MODE });
      // The private key first: the manifest never names a key whose private half is not on disk.
      writeFileAtomicSync(this.privateKeyPath(generated.kid), `${JSON.stringify(generated.privateJwk)}\n`, PRIVATE_FILE_MODE);
    });
    this.writeManifestAndJwks(updated);
    return toKeyInfo(entry);
  }

  private writeManifestAndJwks(manifest: KeyStoreManifest): void {
    this.write(() => {
      writeFileAtomicSync(path.join(this.directory, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, PUBLIC_FILE_MODE);
      writeFileAtomicSync(this.jwksPath, `${JSON.stringify(publicJwksOf(manifest), null, 2)}\n`, PUBLIC_FILE_MODE);
    });
  }

  /** Runs a file-system write; a failure (full disk, permissions) becomes a coded error. */
  private write(action: () => void): void {
    try {
      action();
    } catch (cause) {
      const reason = errnoCode(cause) ?? 'write failed';
      throw new WritError('KEYSTORE_INVALID', `cannot write the key store in ${this.directory}: ${reason}`, { cause });
    }
  }

  private readManifest(): KeyStoreManifest {
    const manifest = readKeyStoreManifest(this.directory);
    const foreign = manifest.keys.find((entry) => (entry.purpose ?? 'authorization') !== this.purpose);
    if (foreign !== undefined) {
      throw new WritError('KEYSTORE_INVALID', `${this.directory} holds ${foreign.purpose ?? 'authorization'} keys, not ${this.purpose} keys: name the ${this.purpose} key directory`);
    }
    return manifest;
  }

  private findActive(manifest: KeyStoreManifest): KeyStoreEntry | undefined {
    return manifest.keys.find((entry) => entry.status === 'active');
  }

  private privateKeyPath(kid: string): string {
    // Checked here as well as in the manifest schema: a kid becomes part of a file name.
    if (!KidSchema.safeParse(kid).success) throw new WritError('KEY_NOT_FOUND', 'not a key store kid');
    return path.join(this.directory, `${kid}${PRIVATE_KEY_SUFFIX}`);
  }
}

/**
 * The active key's entry with its signing period closed at `now`. A key from a manifest
 * written before periods were recorded has signed since it was created.
 */
function endSigningPeriod(entry: KeyStoreEntry, now: Date): KeyStoreEntry {
  return { ...entry, activatedAt: entry.activatedAt ?? entry.createdAt, deactivatedAt: now.toISOString() };
}

function toKeyInfo(entry: KeyStoreEntry): KeyInfo {
  return { kid: entry.kid, createdAt: entry.createdAt, status: entry.status, purpose: entry.purpose ?? 'authorization', ...(entry.heldIn === undefined ? {} : { heldIn: entry.heldIn }) };
}

function publicJwksOf(manifest: KeyStoreManifest): PublicJwks {
  const rank = (entry: KeyStoreEntry): number => (entry.status === 'active' ? 0 : 1);
  const published = manifest.keys
    .filter((entry) => entry.status !== 'retired')
    .sort((a, b) => rank(a) - rank(b) || compareText(b.createdAt, a.createdAt));
  return { keys: published.map((entry) => toPublicSigningJwk(entry.kid, entry.publicJwk, entry.purpose)) };
}

// ISO 8601 instants in one format order correctly as plain text; no locale rules wanted.
function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
