import { generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';
import path from 'node:path';
import { decideAuthorization, type PermittedRequest } from '../../../activities/decideAuthorization';
import { mintAuthorization, type AuthorizingRun } from '../../../activities/mintAuthorization';
import { intentDigest } from '../../../core/artifact/intentDigest';
import type { ExecutionFacts } from '../../../core/artifact/verify/executionFacts';
import { verifyArtifact } from '../../../core/artifact/verifyArtifact';
import { sha256Digest } from '../../../core/canonical/digest';
import type { AuthorizeRequest } from '../../../core/protocol/authorizeContract';
import type { GovernanceStore } from '../../../core/governance/governanceStore';
import { SqliteGovernanceStore } from '../../../core/governance/sqliteGovernanceStore';
import { mintReceipt } from '../../../core/receipt/mintReceipt';
import { LedgerStore } from '../../../examples/treasury/ledgerStore';
import { BENCH_ACTION } from '../benchActions';
import type { BenchGovernance } from '../benchGovernance';
import type { BenchPostgres } from '../benchPostgres';
import { buildLogCases } from './logCases';
import { buildSequencedLogCases, logOffCase } from './sequencedLogCases';
import { argumentOfSize, SMALL_ARGUMENT } from './sampleArguments';
import type { MicroCase } from './timeIterations';

/** The size of the large argument the digest benchmark hashes. */
export const LARGE_ARGUMENT_BYTES = 64 * 1024;

/** The micro-benchmarks and what they measured over. */
export interface MicroSuite {
  readonly cases: readonly MicroCase[];
  /** Canonical JSON size of the small and the large argument, in bytes. */
  readonly argumentBytes: { readonly small: number; readonly large: number };
  /** Closes the store files the store cases write to (the PostgreSQL stores are the caller's). */
  close(): Promise<void>;
}

/**
 * The decision-path micro-benchmarks, over the production functions themselves (the
 * halves of `writ.authorize`, the enforcement point's `verifyArtifact`, the receipt
 * signer) with real keys, a real identity token and the bench policy set. The first six
 * are the issue's list; `identity-verify`, `standing-check`, `receipt-mint` and
 * `count-execution` are the other per-step costs a governed step pays, reported so the
 * end-to-end figures can be explained. `store-transfer`, `store-revoke`,
 * `count-execution` and `statement-use` time the SQLite stores' writes (the example
 * ledger's transfer, the governance store's revocation, execution count and single-use
 * registry) on files of their own in `storeDir`, so the standing check's store stays
 * empty. Given `postgres`, the governance store's cases also run on it (`-postgres`):
 * the standing check on the store the `governed-postgres` worker uses, the writes on a
 * database of their own. The evidence log's cases (`logCases.ts`) append to logs of
 * their own in `storeDir` too.
 */
export async function buildMicroSuite(governance: BenchGovernance, storeDir: string, postgres?: BenchPostgres): Promise<MicroSuite> {
  // A fixed clock: the artifact verified below stays inside its window however long the run.
  const now = new Date();
  const deps = { ...governance.deps({ codeDigest: sha256Digest('writ-bench-micro') }), clock: () => now };
  const identity = await governance.identity.verify(governance.identityToken);
  const run: AuthorizingRun = { namespace: 'writ', taskQueue: 'writ-bench-micro', workflowId: 'bench-micro', runId: randomUUID(), workflowType: 'governedSteps' };
  const request: AuthorizeRequest = {
    action: BENCH_ACTION,
    args: [SMALL_ARGUMENT],
    stepId: 'writ-step-1',
    activityId: 'writ-step-1.1',
    lineage: { sequence: 1, previous: null, parent: null },
  };
  const permit = async (): Promise<PermittedRequest> => {
    const decided = await decideAuthorization(deps, identity, request);
    if (decided.kind !== 'permit') throw new Error(`the bench policy must permit ${BENCH_ACTION} outright, got ${decided.kind}`);
    return decided;
  };
  const permitted = await permit();
  const minted = await mintAuthorization(deps, identity, run, permitted, request, governance.signer);
  const facts: ExecutionFacts = { ...run, activityId: request.activityId, activityType: BENCH_ACTION, attempt: 1, args: request.args };
  const large = argumentOfSize(LARGE_ARGUMENT_BYTES);
  const largeArgs = [large.value];
  // What the enforcement point builds for every execution it checks.
  const verificationContext = () => ({
    keys: governance.trustedKeys,
    now: deps.clock(),
    clockSkewSeconds: deps.window.clockSkewSeconds,
    maxLifetimeSeconds: deps.window.maxLifetimeSeconds,
    activePolicyDigest: deps.policies.current().policySet.digest,
  });
  const resultDigest = sha256Digest('benchmark result');
  // The floors: the primitives the decision path cannot do without, alone, on the bench's
  // own artifact: Ed25519 one-shot signing and verification with a cached KeyObject over
  // its signing input (the signing key is a fresh one of the same kind, since the signer
  // never hands its key out), and the bare Cedar call on the bench request.
  const lastDot = minted.token.lastIndexOf('.');
  const signingInput = Buffer.from(minted.token.slice(0, lastDot), 'ascii');
  const signature = Buffer.from(minted.token.slice(lastDot + 1), 'base64url');
  const publicKey = governance.trustedKeys.get(JSON.parse(Buffer.from(minted.token.slice(0, minted.token.indexOf('.')), 'base64url').toString('utf8')).kid);
  const floorKey = generateKeyPairSync('ed25519').privateKey;
  if (!verify(null, signingInput, publicKey, signature)) throw new Error('the bench artifact must verify with its trusted key');
  // The stores as a worker opens them (WAL, full fsync on commit), on the bench's disk.
  const ledger = LedgerStore.open(path.join(storeDir, 'ledger.sqlite'));
  const writes = SqliteGovernanceStore.open(path.join(storeDir, 'governance-writes.sqlite'));
  ledger.seedDemo();
  let transfers = 0;
  let revoked = 0;
  // Each iteration a fresh artifact or statement: the first execution of an artifact and
  // the first use of a statement, as a governed step and an approval make them.
  let counted = 0;
  let used = 0;
  const expiresAt = new Date(now.getTime() + 3600_000).toISOString();
  const countExecution = (store: GovernanceStore) => () => {
    counted += 1;
    return store.countExecution({ artifactId: `${run.runId}-${counted}`, maxAttempts: 3, expiresAt });
  };
  const useStatement = (store: GovernanceStore) => () => {
    used += 1;
    return store.useStatement({ statementId: `${run.runId}-${used}`, kind: 'approval', consumer: `bench-micro/${run.runId}/writ-step-1`, statementDigest: resultDigest, usedAt: now.toISOString(), issuedAt: now.toISOString(), freshSince: new Date(now.getTime() - 300_000).toISOString() });
  };
  // A case of the PostgreSQL store, in the suite only when the bench has one.
  const onPostgres = (micro: (stores: BenchPostgres) => Omit<MicroCase, 'onPostgres'>): MicroCase[] =>
    postgres === undefined ? [] : [{ ...micro(postgres), onPostgres: true }];

  const cases: MicroCase[] = [
    {
      name: 'validate+decide',
      description: 'input validation (strict zod) + resource + Cedar decision',
      run: permit,
    },
    {
      name: 'mint',
      description: 'argument and policy-input digests + claims check + Ed25519 JWS',
      run: () => mintAuthorization(deps, identity, run, permitted, request, governance.signer),
    },
    {
      name: 'authorize',
      description: 'validate + decide + mint (writ.authorize without the identity check)',
      run: async () => mintAuthorization(deps, identity, run, await permit(), request, governance.signer),
    },
    {
      name: 'verify',
      description: 'enforcement point: decode, signature, claims, window, bindings, policy current',
      run: () => verifyArtifact(minted.token, facts, verificationContext()),
    },
    {
      name: 'cedar-decide',
      description: 'floor: the Cedar decision alone (preparsed schema and policies, request validation), on the bench request',
      run: () => permitted.engine.decide(permitted.policyRequest),
    },
    {
      name: 'ed25519-sign',
      description: `floor: node:crypto one-shot Ed25519 signature with a cached KeyObject, over the artifact's ${signingInput.length} B signing input`,
      run: () => sign(null, signingInput, floorKey),
    },
    {
      name: 'ed25519-verify',
      description: "floor: node:crypto one-shot Ed25519 verification with a cached KeyObject, of the artifact's signature",
      run: () => verify(null, signingInput, publicKey, signature),
    },
    {
      name: 'digest-small',
      description: `canonical argument digest, ${Buffer.byteLength(JSON.stringify(SMALL_ARGUMENT))} B argument`,
      run: () => intentDigest(BENCH_ACTION, request.args),
    },
    {
      name: 'digest-64KiB',
      description: `canonical argument digest, ${large.canonicalBytes} B argument`,
      run: () => intentDigest(BENCH_ACTION, largeArgs),
    },
    {
      name: 'identity-verify',
      description: 'identity token (JWT) verification, once per run (writ.verifyIdentity)',
      run: () => governance.identity.verify(governance.identityToken),
    },
    {
      name: 'standing-check',
      description: 'kill switch and revocation lookup, once in writ.authorize and once at enforcement',
      run: () => deps.governance.requireStanding(run.namespace, run.runId),
    },
    ...onPostgres((stores) => ({
      name: 'standing-check-postgres',
      description: 'the same on PostgreSQL, on the store the governed-postgres worker uses: one query, one round trip over loopback',
      run: () => stores.governance.requireStanding(run.namespace, run.runId),
    })),
    {
      name: 'receipt-mint',
      description: 'execution receipt signed after the action',
      run: () =>
        mintReceipt(
          { artifactId: minted.claims.jti, artifactDigest: minted.digest, runId: run.runId, activityId: request.activityId, attempt: 1, outcome: 'completed', resultDigest },
          governance.receiptSigner,
          now,
        ),
    },
    {
      name: 'store-transfer',
      description: 'example ledger transfer under a fresh idempotency key: one IMMEDIATE transaction, fsync on commit',
      run: () => {
        // One cent back and forth, so the balances never run out however many iterations.
        transfers += 1;
        const [from, to] = transfers % 2 === 0 ? ['acct-alice', 'acct-bob'] : ['acct-bob', 'acct-alice'];
        return ledger.transfer({ from, to, amountCents: 1, idempotencyKey: `bench-micro/${run.runId}/${transfers}` });
      },
    },
    {
      name: 'store-revoke',
      description: 'governance store revocation of a fresh run, as `writ revoke` records it, and its read-back',
      run: () => {
        revoked += 1;
        return writes.revoke({
          workflowId: 'bench-micro',
          runId: `${run.runId}-${revoked}`,
          revokedAt: now.toISOString(),
          revokedBy: 'bench',
          reason: 'micro-benchmark',
          statementDigest: resultDigest,
        });
      },
    },
    {
      name: 'count-execution',
      description: "an artifact's first execution counted, once per step at enforcement: one IMMEDIATE transaction, fsync on commit",
      run: countExecution(writes),
    },
    ...onPostgres((stores) => ({
      name: 'count-execution-postgres',
      description: 'the same on PostgreSQL: one INSERT ... ON CONFLICT, fsync on commit, one round trip over loopback',
      run: countExecution(stores.writes),
    })),
    {
      name: 'statement-use',
      description: "a signed statement's first use in the single-use registry, once per approval: one IMMEDIATE transaction, fsync on commit",
      run: useStatement(writes),
    },
    ...onPostgres((stores) => ({
      name: 'statement-use-postgres',
      description: 'the same on PostgreSQL: an INSERT, fsync on commit, then its read-back (two round trips over loopback)',
      run: useStatement(stores.writes),
    })),
  ];
  const log = await buildLogCases(storeDir, minted.token);
  const sequenced = postgres === undefined ? undefined : await buildSequencedLogCases(storeDir, minted.token, postgres.logSequencers);
  return {
    cases: [...cases, ...log.cases, logOffCase(minted.token), ...(sequenced?.cases ?? [])],
    argumentBytes: { small: Buffer.byteLength(JSON.stringify(SMALL_ARGUMENT)), large: large.canonicalBytes },
    close: async () => {
      ledger.close();
      await writes.close();
      log.close();
      await sequenced?.close();
    },
  };
}
