import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readBundle, type EvidenceBundle } from '../../../../core/audit';

const FIXTURES = resolve(__dirname, '../../../fixtures/audit');

/** Every committed audit case (test/fixtures/audit), passing and failing, by name. */
export function auditFixtures(): { readonly name: string; readonly bundle: EvidenceBundle }[] {
  return readdirSync(FIXTURES)
    .filter((name) => existsSync(join(FIXTURES, name, 'bundle.json')))
    .sort()
    .map((name) => ({ name, bundle: readBundle(join(FIXTURES, name, 'bundle.json')) }));
}
