import { z } from 'zod';
import { canonicalJson } from '../../canonical/canonicalJson';
import { parseStrictJson } from '../../canonical/parseStrictJson';
import { isWritError, WritError, type WritIssue } from '../../errors/writError';
import { MAX_BUNDLE_ENTRY_BYTES } from '../tiles/entryBundle';
import { PASSKEY_STATEMENT_PREFIX } from '../../protocol/operatorContract';
import { PasskeyBindingEvidenceSchema, type PasskeyBindingEvidence } from '../../audit/evidence/passkeyEvidence';

/**
 * What the log records. Every entry is signed evidence Writ (or an operator's identity
 * provider) already made: an authorization artifact, a signed denial record, an approval
 * or denial statement, a revocation, a kill-switch statement, an execution receipt, and an
 * operator's passkey binding (the ID token it was made under and the passkey's own
 * signature over it), which is what makes the passkey statements verifiable.
 */
export const EVIDENCE_KINDS = ['artifact', 'denial', 'approval', 'revocation', 'kill-switch', 'receipt', 'passkey-binding'] as const;

/** One of EVIDENCE_KINDS. */
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/**
 * The largest entry, in bytes of its canonical JSON: what the uint16 length prefix of a
 * tlog-tiles entry bundle can state (64 KiB less one byte). Evidence stays far below it:
 * it carries argument digests, never arguments.
 */
export const MAX_ENTRY_BYTES = MAX_BUNDLE_ENTRY_BYTES;

const id = z.string().min(1).max(256);
/** A JWS in compact serialization: three base64url parts. Its signature is the auditor's to check, with the key set. */
const compactJws = z.string().max(MAX_ENTRY_BYTES).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'must be a compact JWS');
/** A statement made with an operator's passkey: its prefix, then base64url JSON holding the WebAuthn assertion. */
const passkeyStatement = z.string().max(MAX_ENTRY_BYTES).regex(new RegExp(`^${PASSKEY_STATEMENT_PREFIX.replace('.', '\\.')}[A-Za-z0-9_-]+$`), 'must be a passkey statement');
/** An operator's statement: signed by their identity provider, or made with their passkey. */
const operatorStatement = z.union([compactJws, passkeyStatement], { error: 'must be a compact JWS or a passkey statement' });
/**
 * A passkey binding as the governance store records it (PasskeyBindingEvidenceSchema), as
 * its canonical JSON text: one binding has one spelling and one digest.
 */
const passkeyBinding = z
  .string()
  .max(MAX_ENTRY_BYTES)
  .refine((text) => {
    try {
      const binding = PasskeyBindingEvidenceSchema.safeParse(parseStrictJson(text));
      return binding.success && canonicalJson(binding.data) === text;
    } catch {
      return false;
    }
  }, 'must be a passkey binding in canonical JSON');
const stepEvidence = <K extends 'artifact' | 'denial' | 'receipt'>(kind: K) =>
  z.strictObject({ v: z.literal(1), kind: z.literal(kind), runId: id, stepId: id, evidence: compactJws });

/**
 * The envelope of one log entry, strict at every level: format version, kind, the run and
 * governed step it belongs to, and the signed evidence as a compact JWS (or, for an
 * operator's statement made with a passkey, the passkey statement holding its assertion; for
 * a passkey binding, the binding's canonical JSON). A revocation names a run but no step; a
 * kill-switch statement and a passkey binding are namespace-wide and name neither (null, so
 * every entry has the same members).
 */
export const EvidenceEntrySchema = z.discriminatedUnion('kind', [
  stepEvidence('artifact'),
  stepEvidence('denial'),
  z.strictObject({ v: z.literal(1), kind: z.literal('approval'), runId: id, stepId: id, evidence: operatorStatement }),
  stepEvidence('receipt'),
  z.strictObject({ v: z.literal(1), kind: z.literal('revocation'), runId: id, stepId: z.null(), evidence: operatorStatement }),
  z.strictObject({ v: z.literal(1), kind: z.literal('kill-switch'), runId: z.null(), stepId: z.null(), evidence: operatorStatement }),
  z.strictObject({ v: z.literal(1), kind: z.literal('passkey-binding'), runId: z.null(), stepId: z.null(), evidence: passkeyBinding }),
]);

/**
 * The log entry of an operator's passkey binding: namespace-wide evidence, like a
 * kill-switch statement. It holds exactly the members a binding has in evidence (what the
 * governance store records and an audit bundle carries), whatever else `binding` holds.
 */
export function passkeyBindingEntry(binding: Omit<PasskeyBindingEvidence, 'groups'> & { readonly groups: readonly string[] }): EvidenceEntry {
  const { credentialId, principal, groups, publicKey, rpId, registeredAt, bindingDigest, evidence } = binding;
  const members: PasskeyBindingEvidence = { credentialId, principal, groups: [...groups], publicKey, rpId, registeredAt, bindingDigest, evidence };
  return { v: 1, kind: 'passkey-binding', runId: null, stepId: null, evidence: canonicalJson(members) };
}

/** One log entry's envelope. */
export type EvidenceEntry = z.infer<typeof EvidenceEntrySchema>;

/**
 * The bytes an entry is logged as: its RFC 8785 canonical JSON, UTF-8, so one entry has
 * one encoding and one leaf hash whoever computes it. LOG_ENTRY_INVALID lists every
 * problem with the envelope; LOG_ENTRY_TOO_LARGE refuses more than MAX_ENTRY_BYTES.
 */
export function encodeEvidenceEntry(entry: EvidenceEntry): Buffer {
  const parsed = EvidenceEntrySchema.safeParse(entry);
  if (!parsed.success) throw invalid('not an evidence entry', parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })));
  const bytes = Buffer.from(canonicalJson(parsed.data), 'utf8');
  if (bytes.length > MAX_ENTRY_BYTES) {
    throw new WritError('LOG_ENTRY_TOO_LARGE', `a ${entry.kind} entry of ${bytes.length} bytes is over the log's ${MAX_ENTRY_BYTES}: log digests, never arguments`, { facts: { bytes: bytes.length, kind: entry.kind } });
  }
  return bytes;
}

/**
 * Reads an entry back from its bytes: at most MAX_ENTRY_BYTES (LOG_ENTRY_TOO_LARGE), strict
 * JSON (no duplicate member), the envelope schema, and in canonical form, byte for byte
 * (LOG_ENTRY_INVALID otherwise): an entry spelled another way is not the entry that was
 * logged.
 */
export function decodeEvidenceEntry(bytes: Uint8Array): EvidenceEntry {
  if (bytes.length > MAX_ENTRY_BYTES) throw new WritError('LOG_ENTRY_TOO_LARGE', `an entry of ${bytes.length} bytes is over the log's ${MAX_ENTRY_BYTES}`);
  let text: string;
  let value: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    value = parseStrictJson(text);
  } catch (error) {
    throw invalid(`not strict UTF-8 JSON${isWritError(error) ? ` (${error.code})` : ''}`, []);
  }
  const parsed = EvidenceEntrySchema.safeParse(value);
  if (!parsed.success) throw invalid('not an evidence entry', parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })));
  if (canonicalJson(parsed.data) !== text) throw invalid('not in RFC 8785 canonical form', []);
  return parsed.data;
}

function invalid(why: string, issues: readonly WritIssue[]): WritError {
  return new WritError('LOG_ENTRY_INVALID', `${why}${issues.length > 0 ? `: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}` : ''}`, { issues });
}
