import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import * as cedar from './cedarRuntime';
import { canonicalDigest } from '../canonical/digest';
import { WritError, type WritIssue } from '../errors/writError';

const PolicySetManifestSchema = z.strictObject({
  id: z.string().min(1).max(128),
  version: z.string().min(1).max(128),
});

/** One policy of the set, named by its required `@id("...")` annotation. */
export interface NamedPolicy {
  /** The policy's `@id`, unique in the set: decisions name their determining policies by it. */
  readonly id: string;
  /** The `.cedar` file it came from, for messages and evidence. */
  readonly file: string;
  /** The policy's Cedar text. */
  readonly text: string;
  /** Set on a `forbid` that an approval lifts: `@approvalsRequired("n")`. */
  readonly approval?: { readonly required: number; readonly timeoutSeconds: number };
}

/** Default wait for approvals when a policy names none (`@approvalTimeoutSeconds`). */
export const DEFAULT_APPROVAL_TIMEOUT_SECONDS = 3600;

/**
 * A loaded, validated Cedar policy set: `policy-set.json` (id and version), one
 * `*.cedarschema` and the `*.cedar` files of a directory. The digest covers all of them,
 * so an artifact that names it names exactly the rules it was decided under.
 */
export interface PolicySet {
  /** The set's id, from `policy-set.json`. */
  readonly id: string;
  /** The set's version, from `policy-set.json`. */
  readonly version: string;
  /** `sha256:<hex>` of the canonical id, version, schema and policies: what artifacts cite. */
  readonly digest: string;
  /** The text of the `.cedarschema` file. */
  readonly schemaText: string;
  /** Every policy of the `.cedar` files, taken in file-name order. */
  readonly policies: readonly NamedPolicy[];
}

/**
 * Loads and validates a policy directory. Every policy must carry a unique `@id`
 * (determining policies are reported by it), parse, and validate strictly against the
 * schema. Any problem is POLICY_INVALID listing every issue; a missing directory or
 * file is POLICY_UNAVAILABLE. Nothing half-loaded is ever returned.
 */
export function loadPolicySet(dir: string): PolicySet {
  let names: string[];
  let manifestText: string;
  try {
    names = readdirSync(dir).sort();
    manifestText = readFileSync(join(dir, 'policy-set.json'), 'utf8');
  } catch (error) {
    throw new WritError('POLICY_UNAVAILABLE', `policy set at ${dir} cannot be read: ${(error as Error).message}`);
  }
  const manifest = parseManifest(manifestText, dir);
  const schemaFiles = names.filter((name) => name.endsWith('.cedarschema'));
  if (schemaFiles.length !== 1) {
    throw new WritError('POLICY_INVALID', `policy set at ${dir} needs exactly one .cedarschema file, found ${schemaFiles.length}`);
  }
  const schemaText = readFileSync(join(dir, schemaFiles[0]!), 'utf8');
  const policies = names.filter((name) => name.endsWith('.cedar')).flatMap((file) => splitPolicies(file, readFileSync(join(dir, file), 'utf8')));
  if (policies.length === 0) throw new WritError('POLICY_INVALID', `policy set at ${dir} has no policies`);
  validateAgainstSchema(schemaText, policies);

  const digest = canonicalDigest({
    id: manifest.id,
    version: manifest.version,
    schema: schemaText,
    policies: policies.map(({ id, text }) => ({ id, text })),
  });
  return { id: manifest.id, version: manifest.version, digest, schemaText, policies };
}

function parseManifest(text: string, dir: string): z.infer<typeof PolicySetManifestSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new WritError('POLICY_INVALID', `${join(dir, 'policy-set.json')} is not JSON`);
  }
  const parsed = PolicySetManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new WritError('POLICY_INVALID', `${join(dir, 'policy-set.json')} is invalid`, {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return parsed.data;
}

function splitPolicies(file: string, text: string): NamedPolicy[] {
  const parts = cedar.policySetTextToParts(text);
  if (parts.type === 'failure') {
    throw new WritError('POLICY_INVALID', `${file} does not parse`, { issues: cedarIssues(file, parts.errors) });
  }
  if (parts.policy_templates.length > 0) {
    throw new WritError('POLICY_INVALID', `${file} contains templates, which Writ does not link`);
  }
  return parts.policies.map((policyText) => {
    const json = cedar.policyToJson(policyText);
    if (json.type === 'failure') throw new WritError('POLICY_INVALID', `${file} does not parse`, { issues: cedarIssues(file, json.errors) });
    const id = json.json.annotations?.['id'];
    if (typeof id !== 'string' || id.length === 0) {
      throw new WritError('POLICY_INVALID', `${file}: every policy needs an @id("...") annotation`, {
        issues: [{ path: file, message: `policy without @id: ${policyText.slice(0, 80)}` }],
      });
    }
    const approval = approvalAnnotation(file, id, json.json.effect, json.json.annotations ?? {});
    return approval === undefined ? { id, file, text: policyText } : { id, file, text: policyText, approval };
  });
}

/**
 * `@approvalsRequired("n")` (1–10) marks a forbid that n verified approvals lift;
 * `@approvalTimeoutSeconds("s")` (60–604800) bounds the wait. Anything else is POLICY_INVALID:
 * an approval rule that does not mean what it says must not load.
 */
function approvalAnnotation(file: string, id: string, effect: string, annotations: Record<string, string | null>): NamedPolicy['approval'] {
  const required = annotations['approvalsRequired'];
  const timeout = annotations['approvalTimeoutSeconds'];
  if (required === undefined) {
    if (timeout !== undefined) throw new WritError('POLICY_INVALID', `${file}: ${id} has @approvalTimeoutSeconds without @approvalsRequired`);
    return undefined;
  }
  const count = Number(required);
  const seconds = timeout === undefined ? DEFAULT_APPROVAL_TIMEOUT_SECONDS : Number(timeout);
  if (effect !== 'forbid') throw new WritError('POLICY_INVALID', `${file}: @approvalsRequired belongs on a forbid policy (${id})`);
  if (!Number.isInteger(count) || count < 1 || count > 10) throw new WritError('POLICY_INVALID', `${file}: ${id} @approvalsRequired must be 1 to 10`);
  if (!Number.isInteger(seconds) || seconds < 60 || seconds > 604_800) throw new WritError('POLICY_INVALID', `${file}: ${id} @approvalTimeoutSeconds must be 60 to 604800`);
  return { required: count, timeoutSeconds: seconds };
}

function validateAgainstSchema(schemaText: string, policies: readonly NamedPolicy[]): void {
  const seen = new Set<string>();
  for (const policy of policies) {
    if (seen.has(policy.id)) throw new WritError('POLICY_INVALID', `duplicate policy @id "${policy.id}" (${policy.file})`);
    seen.add(policy.id);
  }
  const answer = cedar.validate({
    schema: schemaText,
    policies: { staticPolicies: Object.fromEntries(policies.map((p) => [p.id, p.text])) },
    validationSettings: { mode: 'strict' },
  });
  if (answer.type === 'failure') {
    throw new WritError('POLICY_INVALID', 'policy schema or policies do not parse', { issues: cedarIssues('schema', answer.errors) });
  }
  if (answer.validationErrors.length > 0) {
    throw new WritError('POLICY_INVALID', `${answer.validationErrors.length} policy validation error(s)`, {
      issues: answer.validationErrors.map((e) => ({ path: e.policyId, message: e.error.message })),
    });
  }
}

function cedarIssues(path: string, errors: readonly { message: string }[]): WritIssue[] {
  return errors.map((error) => ({ path, message: error.message }));
}
