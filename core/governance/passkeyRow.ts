import type { PasskeyBinding } from './passkeyRegistry';

/** Reads a passkey row back. */
export function passkeyRow(row: Record<string, unknown>): PasskeyBinding {
  return {
    credentialId: String(row['credential_id']),
    principal: String(row['principal']),
    groups: JSON.parse(String(row['groups'])) as string[],
    publicKey: String(row['public_key']),
    rpId: String(row['rp_id']),
    registeredAt: new Date(row['registered_at'] as string | Date).toISOString(),
    bindingDigest: String(row['binding_digest']),
    evidence: String(row['evidence']),
  };
}

/** The values of a passkey row, in the column order both backends insert. */
export function passkeyRowValues(binding: PasskeyBinding): unknown[] {
  return [binding.credentialId, binding.principal, JSON.stringify(binding.groups), binding.publicKey, binding.rpId, binding.registeredAt, binding.bindingDigest, binding.evidence];
}
