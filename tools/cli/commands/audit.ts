import type { Command } from 'commander';
import { isAuditError } from '../../../core/audit/auditError';
import { isWritError } from '../../../core/errors/writError';
import { strictNumber } from '../toolEntry';
import type * as AuditRun from './auditRun';

/** Exit codes of `writ audit`: findings and "could not audit" are told apart for scripts. */
export const AUDIT_EXIT = { passed: 0, findings: 1, error: 2 } as const;

/** The source flags every `writ audit` subcommand shares (see `addSourceOptions`). */
export interface SourceOptions {
  workflowId?: string[];
  query?: string;
  address?: string;
  namespace?: string;
  related: boolean;
  policies?: string[];
}

/** The flags of `writ audit verify` (and of any command that verifies before it reports). */
export interface VerifyCliOptions extends SourceOptions {
  bundle?: string;
  replay: boolean;
  workflows?: string;
  keys?: string;
  identityKeys?: string;
  /** The evidence log to audit from (a directory or URL), and how to trust it (auditLog.ts). */
  log?: string;
  runId?: string[];
  logKey?: string;
  checkpoint?: string[];
  witness?: string[];
  witnessesRequired?: number;
}

export interface ExportCliOptions extends SourceOptions {
  out: string;
  keys?: string;
  /** The evidence log whose proofs go into the bundle (default: the configured one, when it exists). */
  log?: string;
  logKey?: string;
}

/**
 * The auditor itself, loaded on use: it replays histories with the Temporal worker
 * runtime, which takes a second to import, and `writ --help` or any other command should
 * not wait for that.
 */
function auditRun(): typeof AuditRun {
  return require('./auditRun') as typeof AuditRun;
}

/**
 * `writ audit ...`: export evidence and verify histories, online or offline. Returns the
 * `audit` command group so other audit tools (the report) can register beside these.
 */
export function registerAuditCommands(program: Command): Command {
  const audit = program.command('audit').description('export and verify workflow histories as an auditor: replay plus a history checker');

  addSourceOptions(audit.command('export'))
    .description("write the selected runs, the public key set, the policy sets and the identity provider's public keys into one evidence bundle")
    .requiredOption('--out <file>', 'where to write the bundle')
    .option('--keys <file>', "the key set to write into the bundle (an evidence key set: writ keys export --with-periods, merged with writ keys merge), instead of the configured key directories'")
    .option('--log <dir or URL>', "the evidence log whose inclusion proofs of the runs' entries go into the bundle (default: the configured log, when there is one)")
    .option('--log-key <vkey>', "the log's verifier key (default: the one of the configured log key file)")
    .action(async (opts: ExportCliOptions) => {
      process.exitCode = await guarded(() => auditRun().exportEvidence(opts));
    });

  addVerifyOptions(addSourceOptions(audit.command('verify')))
    .description('verify runs from a server, or an evidence bundle with no server; exits 1 on any finding')
    .option('--log <dir or URL>', 'verify the runs from this evidence log alone (a log directory, or the URL its tiles are served at), with --workflow-id or --run-id: for runs whose history is gone')
    .option('--run-id <id...>', 'with --log: these runs')
    .option('--checkpoint <file...>', "with --log: checkpoints of the log saved earlier, which the log's current checkpoint must extend")
    .option('--json', 'print the verdict as JSON')
    .action(async (opts: VerifyCliOptions & { json?: boolean }) => {
      process.exitCode = await guarded(() => auditRun().printVerdict(opts));
    });
  return audit;
}

/** Adds the flags that say which runs to audit: workflow ids or a query, and where the server is. */
export function addSourceOptions(command: Command): Command {
  return command
    .option('--workflow-id <id...>', 'the latest run of each of these workflows')
    .option('--query <query>', 'every run a visibility query matches')
    .option('--address <host:port>', 'Temporal server (default: TEMPORAL_ADDRESS or the temporal.toml profile; for the embedded default, the dev server writ started)')
    .option('--namespace <namespace>', 'namespace (default: TEMPORAL_NAMESPACE, the profile\'s, or writ)')
    .option('--no-related', "do not also fetch the runs' parents, children and continued runs")
    .option('--policies <dir...>', 'policy set directories artifacts may cite (default: the configured policies directory)');
}

/** Adds the flags of verification: an offline bundle, replay, the trusted keys. */
export function addVerifyOptions(command: Command): Command {
  return command
    .option('--bundle <file>', 'an evidence bundle written by `writ audit export`')
    .option('--no-replay', 'skip replay (for tools without the workflow code)')
    .option('--workflows <path>', 'the workflows module to replay against (the file your worker bundles); required unless --no-replay')
    .option('--keys <file>', "the key set to trust (evidence key set or bundle), instead of the bundle's or the key store's")
    .option('--identity-keys <file>', "the identity provider to trust for operator statements and identity tokens (its JWKS, identity evidence, or a bundle), instead of the bundle's or the configured one's")
    .option('--log-key <vkey>', "the evidence log's verifier key, as the auditor holds it: checks a bundle's log proofs, or the log of --log (default: the one of the configured log key file)")
    .option('--witness <vkey...>', "witness verifier keys whose cosignatures of the log's checkpoint count")
    .option('--witnesses-required <k>', 'how many of them must have cosigned', strictNumber);
}

/** Runs a command body; an error that stops the audit is printed with its code and exits 2. */
export async function guarded(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (isAuditError(error) || isWritError(error)) {
      process.stderr.write(`writ: ${error.code}: ${error.message}\n`);
      for (const issue of error.issues.slice(0, 20)) process.stderr.write(`  - ${issue.path}: ${issue.message}\n`);
    } else {
      process.stderr.write(`writ: ${(error as Error).stack ?? String(error)}\n`);
    }
    return AUDIT_EXIT.error;
  }
}

/**
 * The verdict for `writ audit verify`'s flags (see auditRun.ts), for other audit commands
 * that verify before they report.
 */
export function verdictFor(opts: VerifyCliOptions): ReturnType<typeof AuditRun.verdictFor> {
  return auditRun().verdictFor(opts);
}
