/**
 * The example stores behind Writ's three demo workflows: a bank ledger, a change calendar
 * with the infrastructure state it guards, and an AI agent's workspace. Each keeps its
 * side effects in a real local SQLite file, exactly once per idempotency key.
 */
export { LedgerStore } from './ledgerStore';
export type {
  LedgerAccount,
  LedgerStoreOptions,
  NewLedgerAccount,
  TransferRecord,
  TransferRequest,
  TransferResult,
} from './ledgerStore';
export { ChangeCalendar } from './changeCalendar';
export type { ChangeCalendarOptions, ChangeWindow, NewChangeWindow } from './changeCalendar';
export { InfraStateStore } from './infraStateStore';
export type {
  InfraChangeRecord,
  InfraChangeRequest,
  InfraChangeResult,
  InfraStateStoreOptions,
} from './infraStateStore';
export { AgentWorkspace } from './agentWorkspace';
export type {
  AgentWorkspaceOptions,
  DocHit,
  EmailResult,
  NoteRecord,
  NoteResult,
  OutboxRecord,
  RefundRecord,
  RefundResult,
} from './agentWorkspace';
export { AGENT_DEMO_DOCS } from './agentDemoDocs';
export type { AgentDoc } from './agentDemoDocs';
export { openDatabase, STORE_BUSY_TIMEOUT_MS } from './openDatabase';
export type { StoreDatabase, StoreSchema } from './openDatabase';
