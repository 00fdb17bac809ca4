import { escapeMarkup } from '../../core/audit/report/escapeMarkup';
import type { PasskeyBinding } from '../../core/governance/passkeyRegistry';

/**
 * The operator's passkeys: those bound to them (credential, when, under which groups), and
 * the button that registers another. Registering is two touches of the authenticator: one
 * to make the passkey, one to sign its binding to this sign-in.
 */
export function renderPasskeysPage(passkeys: readonly PasskeyBinding[]): string {
  const list =
    passkeys.length === 0
      ? '<p id="passkeys-empty">No passkey is bound to you yet: approvals need one.</p>'
      : `<table id="passkeys"><thead><tr><th scope="col">Credential</th><th scope="col">Registered</th><th scope="col">Groups</th><th scope="col">Binding</th></tr></thead><tbody>
${passkeys.map((p) => `<tr data-credential-id="${escapeMarkup(p.credentialId)}"><td><code>${escapeMarkup(p.credentialId)}</code></td><td><time datetime="${escapeMarkup(p.registeredAt)}">${escapeMarkup(p.registeredAt)}</time></td><td>${escapeMarkup(p.groups.join(', '))}</td><td><code>${escapeMarkup(p.bindingDigest)}</code></td></tr>`).join('\n')}
</tbody></table>`;
  return `<h1>Passkeys</h1>
${list}
<p><button type="button" id="register-passkey" data-action="register-passkey">Register a passkey</button></p>
<p id="passkey-status" role="status" aria-live="polite"></p>`;
}
