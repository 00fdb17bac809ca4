import type { Command } from 'commander';
import type { OperatorCommandOptions } from '../operatorClient';

type OperatorClientModule = typeof import('../operatorClient');

function withOperatorOptions(command: Command): Command {
  return command
    .requiredOption('--as <principal>', 'the operator acting (their identity signs the statement)')
    .option('-g, --group <group...>', "the operator's groups", [])
    .option('--address <host:port>', 'Temporal server (default: TEMPORAL_ADDRESS or the temporal.toml profile)')
    .option('--namespace <namespace>', 'namespace (default: TEMPORAL_NAMESPACE, the profile\'s, or writ)')
    .option('--json', 'print JSON');
}

async function run(options: OperatorCommandOptions, act: (console: Awaited<ReturnType<OperatorClientModule['openOperatorConsole']>>) => Promise<{ json: unknown; text: string }>): Promise<void> {
  // Loaded on use: the Temporal client is only needed when an operator command runs.
  const { openOperatorConsole, explainOperatorFailure } = require('../operatorClient') as OperatorClientModule;
  const opened = await openOperatorConsole(options);
  try {
    const { json, text } = await act(opened).catch((error: unknown) => {
      throw explainOperatorFailure(error, opened);
    });
    process.stdout.write(options.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
  } finally {
    await opened.close();
  }
}

/** `writ pending | approve | deny | revoke | halt | resume`: operators acting on running workflows. */
export function registerOperatorCommands(program: Command): void {
  withOperatorOptions(program.command('pending').description('list governed steps awaiting approval, across workflows')).action((opts: OperatorCommandOptions) =>
    run(opts, async ({ console }) => {
      const pending = await console.pending();
      const text =
        pending.length === 0
          ? 'nothing awaits approval'
          : pending
              .map((p) => `${p.workflowId}  ${p.action}  by ${p.initiator}  ${p.approvers.length}/${p.required} approvals  expires ${p.expiresAt}\n  args ${JSON.stringify(p.args)}  policy ${p.policyVersion} (${p.requiredBy.join(', ')})`)
              .join('\n');
      return { json: pending, text };
    }),
  );

  for (const decision of ['approve', 'deny'] as const) {
    withOperatorOptions(program.command(decision).description(`${decision} what a workflow awaits, as a signed statement`))
      .argument('<workflowId>')
      .option('--reason <text>', 'why')
      .action((workflowId: string, opts: OperatorCommandOptions & { reason?: string }) =>
        run(opts, async ({ console, operator }) => {
          const answer = await console.decide(workflowId, operator, decision, opts.reason);
          return { json: answer, text: `${decision === 'approve' ? 'approved' : 'denied'} by ${answer.approver}: ${answer.approvals}/${answer.required} approvals` };
        }),
      );
  }

  withOperatorOptions(program.command('revoke').description("revoke a running workflow's authority: later authorizations are denied, pending approvals cancelled"))
    .argument('<workflowId>')
    .requiredOption('--reason <text>', 'why')
    .action((workflowId: string, opts: OperatorCommandOptions & { reason: string }) =>
      run(opts, async ({ console, operator }) => {
        const receipt = await console.revoke(workflowId, operator, opts.reason);
        return { json: receipt, text: `revoked ${workflowId} (by ${receipt.by} at ${receipt.at})` };
      }),
    );

  withOperatorOptions(program.command('halt').description('engage the kill switch: every authorization in the namespace is denied'))
    .requiredOption('--reason <text>', 'why')
    .action((opts: OperatorCommandOptions & { reason: string }) =>
      run(opts, async ({ console, operator }) => {
        const receipt = await console.killSwitch(true, operator, opts.reason);
        return { json: receipt, text: `kill switch engaged by ${receipt.by} at ${receipt.at} (halt ${receipt.statementDigest})` };
      }),
    );

  withOperatorOptions(program.command('resume').description('lift the kill switch: the statement names the halt it lifts, and lifts no other'))
    .requiredOption('--reason <text>', 'why')
    .option('--lifts <digest>', 'the halt to lift (default: the halt in force, as the control workflow reports it)')
    .action((opts: OperatorCommandOptions & { reason: string; lifts?: string }) =>
      run(opts, async ({ console, operator }) => {
        const receipt = await console.killSwitch(false, operator, opts.reason, { lifts: opts.lifts });
        return { json: receipt, text: `kill switch lifted by ${receipt.by} at ${receipt.at} (statement ${receipt.statementDigest})` };
      }),
    );
}
