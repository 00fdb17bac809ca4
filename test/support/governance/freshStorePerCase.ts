import type { GovernanceStore } from '../../../core/governance/governanceStore';
import type { StoreBackend, StoreLocation } from './storeBackends';

/** What a contract suite reaches in each case: the case's location, its first store, more stores on it. */
export interface FreshStore {
  readonly location: StoreLocation;
  readonly store: GovernanceStore;
  /** Another store on the same file or database, closed after the case. */
  openAnother(): Promise<GovernanceStore>;
  /** Closes `stores` (opened elsewhere) after the case too. */
  closeAfter(...stores: GovernanceStore[]): void;
}

/**
 * Sets `backend` up for the enclosing describe and gives every case a fresh location with
 * one store open on it; every store a case opens is closed after it (some cases close
 * stores themselves; closing one again is not the suite's question).
 */
export function freshStorePerCase(backend: StoreBackend): FreshStore {
  let location: StoreLocation | undefined;
  let store: GovernanceStore | undefined;
  const opened: GovernanceStore[] = [];
  const openAnother = async (): Promise<GovernanceStore> => {
    const another = await location!.open();
    opened.push(another);
    return another;
  };
  beforeAll(() => backend.setUp());
  afterAll(() => backend.tearDown());
  beforeEach(async () => {
    location = await backend.fresh();
    store = await openAnother();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((each) => each.close().catch(() => undefined)));
  });
  return {
    get location() {
      return location!;
    },
    get store() {
      return store!;
    },
    openAnother,
    closeAfter: (...stores) => {
      opened.push(...stores);
    },
  };
}
