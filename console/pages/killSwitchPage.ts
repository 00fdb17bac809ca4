import { escapeMarkup } from '../../core/audit/report/escapeMarkup';
import type { KillSwitchInForce } from '../../core/protocol/operatorContract';

/**
 * The namespace's kill switch: its state, and the form that engages or lifts it. Either
 * needs the operator to type `HALT <namespace>` (or `RESUME <namespace>`), a reason, and
 * their passkey's signature; while engaged, nothing in the namespace is authorized or runs.
 */
export function renderKillSwitchPage(namespace: string, inForce: KillSwitchInForce | null): string {
  const engaged = inForce?.engaged === true;
  const phrase = `${engaged ? 'RESUME' : 'HALT'} ${namespace}`;
  const state = inForce === null ? 'never used' : `${engaged ? 'ENGAGED' : 'lifted'} by ${inForce.by} at ${inForce.at}`;
  return `<h1>Kill switch of ${escapeMarkup(namespace)}</h1>
<p id="kill-switch-state" class="${engaged ? 'failed' : 'passed'}"><strong>${engaged ? 'Engaged' : 'Not engaged'}</strong> (${escapeMarkup(state)})</p>
<form id="kill-switch" data-engage="${engaged ? 'false' : 'true'}">
<p><label for="kill-switch-reason">Reason</label><br><input id="kill-switch-reason" name="reason" required maxlength="500" size="60"></p>
<p><label for="kill-switch-confirm">Type <code>${escapeMarkup(phrase)}</code> to confirm</label><br><input id="kill-switch-confirm" name="confirm" required autocomplete="off" size="40"></p>
<p><button type="submit">${engaged ? 'Lift the kill switch' : 'Engage the kill switch'} with your passkey</button></p>
</form>
<p id="statement-status" role="status" aria-live="polite"></p>`;
}
