import { proxyGoverned } from 'writ-governance/workflow';
import type { Activities } from './activities';

// Writ's control workflow (the namespace's kill switch) runs on the governed worker too.
export { writControl } from 'writ-governance/workflow';

const { deployService } = proxyGoverned<Activities>({ startToCloseTimeout: '30s' });

/** Deploys one version of a service: a governed step, authorized before it runs. */
export async function deploy(request: { service: string; environment: 'staging' | 'production'; version: string }): Promise<string> {
  return deployService(request);
}
