import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AgentWorkspace } from './support-agent/agentWorkspace';
import { ChangeCalendar } from './infrastructure/changeCalendar';
import { InfraStateStore } from './infrastructure/infraStateStore';
import { LedgerStore } from './treasury/ledgerStore';

/** The side-effect stores of the example workflows, all under one directory. */
export interface ExampleStores {
  readonly dir: string;
  readonly ledger: LedgerStore;
  readonly calendar: ChangeCalendar;
  readonly infra: InfraStateStore;
  readonly workspace: AgentWorkspace;
  close(): void;
}

/** Opens (creating if needed) the example stores in `dir`. */
export function openExampleStores(dir: string, options: { clock?: () => Date } = {}): ExampleStores {
  mkdirSync(dir, { recursive: true });
  const clockOption = options.clock === undefined ? {} : { clock: options.clock };
  const ledger = LedgerStore.open(join(dir, 'ledger.sqlite'));
  const calendar = ChangeCalendar.open(join(dir, 'change-calendar.sqlite'), clockOption);
  const infra = InfraStateStore.open(join(dir, 'infra.sqlite'));
  const workspace = AgentWorkspace.open(join(dir, 'agent'), clockOption);
  return {
    dir,
    ledger,
    calendar,
    infra,
    workspace,
    close() {
      ledger.close();
      calendar.close();
      infra.close();
      workspace.close();
    },
  };
}
