import { z } from 'zod';
import { KEY_STATUSES, type KeyStatus } from './keyStoreManifest';
import type { Assert, SameType } from '../types/sameType';

const instant = z.iso.datetime();

/**
 * What Writ adds to a published JWK, as member `writ`, to say when the key was the active
 * signer: in evidence bundles, in `writ keys export --with-periods`, and in an executor's
 * trusted key file, so a rotated-out key verifies only what it signed while it was active.
 */
export const KeyValiditySchema = z
  .strictObject({
    createdAt: instant,
    status: z.enum(KEY_STATUSES),
    /** When the key became the active signer; null when it never signed. */
    activeFrom: instant.nullable(),
    /** When it stopped; null while it is still the active signer. */
    activeUntil: instant.nullable(),
  })
  .refine((v) => v.activeFrom !== null || v.activeUntil === null, { message: 'activeUntil without activeFrom', path: ['activeUntil'] })
  .refine((v) => v.activeFrom === null || v.activeUntil === null || Date.parse(v.activeFrom) <= Date.parse(v.activeUntil), {
    message: 'activeUntil before activeFrom',
    path: ['activeUntil'],
  });

/** What Writ adds to each key in evidence: its status and when it was the active signer. */
export interface KeyValidity {
  /** When the key was created (ISO 8601). */
  createdAt: string;
  /** The key's status when the evidence was written. */
  status: KeyStatus;
  /** When the key became the active signer; null when it never signed. */
  activeFrom: string | null;
  /** When it stopped; null while it is still the active signer. */
  activeUntil: string | null;
}
type _KeyValidityIsTheSchemas = Assert<SameType<KeyValidity, z.output<typeof KeyValiditySchema>>>;
