import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startConsole, type RunningConsole } from '../../console/consoleServer';
import { OperatorConsole } from '../../core/operators/operatorConsole';
import { fetchRuns } from '../../core/audit/live/fetchRuns';
import { verifyHistories } from '../../core/audit/verifyHistories';
import { policySetEvidence } from '../../core/audit/evidence/policySetEvidence';
import { loadIdentityEvidence } from '../../core/audit/evidence/identityEvidence';
import { loadPolicySet } from '../../core/policy/policySet';
import { PolicySource } from '../../core/policy/policySource';
import { cedarConsoleAccess } from '../../console/access/consoleAccess';
import { DEV_IDENTITY_ISSUER, WRIT_IDENTITY_AUDIENCE } from '../../core/identity/devIdentityProvider';
import { startDevOidcProvider, type RunningDevOidcProvider } from '../../core/oidc/devOidcProvider';
import { createGovernedTestEnv, TREASURER, type GovernedTestEnv } from '../support/governedTestEnv';
import { awaitPending } from '../support/awaitPending';
import { failureCode } from '../support/failureCode';
import { APPROVE_UPDATE, CONTROL_WORKFLOW_ID } from '../../core/protocol/operatorContract';
import { canonicalJson } from '../../core/canonical/canonicalJson';
import type { EvidenceLog } from '../../core/log/evidence/evidenceLog';
import { loggedEntries } from '../activities/realGovernanceDeps';

// The operators' console in a real headless Chromium (Debian's chromium package), signing
// in through the development OpenID provider, against a real dev server and governed worker.
const CHROMIUM = process.env['WRIT_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const HOSTILE_MEMO = '<script>window.__pwned=1</script><img src=x "onerror=window.__pwned=2">';

let env: GovernedTestEnv;
let provider: RunningDevOidcProvider;
let consoleServer: RunningConsole;
let browser: Browser;
let dir: string;
const started: WorkflowHandle[] = [];
let counter = 0;

async function startTransfer(memo?: string): Promise<WorkflowHandle> {
  const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
  counter += 1;
  const handle = await client.workflow.start('transferFunds', {
    taskQueue: env.taskQueue,
    workflowId: `console-${Date.now()}-${counter}`,
    args: [{ fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 200_000, ...(memo === undefined ? {} : { memo }) }],
  });
  started.push(handle);
  await awaitPending(handle);
  return handle;
}

/** Set by a test: the console's evidence log then refuses every append. */
let logRefuses = false;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run bash scripts/setup.sh (it installs Debian's chromium) or set WRIT_CHROMIUM`);
  dir = mkdtempSync(join(tmpdir(), 'writ-console-'));
  env = await createGovernedTestEnv();
  const operatorClient = await env.clientAs('olivia', ['operators']);
  consoleServer = await startConsole({
    operations: Object.assign(new OperatorConsole(operatorClient, env.idp, { namespace: env.namespace, controlTaskQueue: env.taskQueue, controlWorkflowId: `${CONTROL_WORKFLOW_ID}-${env.taskQueue}` }), {
      audit: async (workflowId: string) =>
        verifyHistories(await fetchRuns(operatorClient, { workflowIds: [workflowId], related: true }), {
          keys: env.auditKeys(),
          policySets: [policySetEvidence(loadPolicySet(resolve(__dirname, '../../examples/policies')))],
          namespace: env.namespace,
          identity: await loadIdentityEvidence({ issuer: DEV_IDENTITY_ISSUER, audience: WRIT_IDENTITY_AUDIENCE, jwksPath: env.idp.jwksPath }),
          replay: false,
        }),
    }),
    // Who may see what: the examples' policy set, as `writ console` reads the project's.
    access: cedarConsoleAccess(PolicySource.load(resolve(__dirname, '../../examples/policies')), env.namespace),
    passkeys: env.governance,
    // The workers' log, which a test can make refuse every append (as a full disk would).
    evidenceLog: {
      enabled: true,
      append: (entry) => (logRefuses ? Promise.reject(new Error('no space left on device')) : env.evidenceLog.append(entry)),
      close: () => Promise.resolve(),
    } satisfies EvidenceLog,
    allowInsecureProvider: true,
    relyingParty: async (redirectUri) => {
      provider = await startDevOidcProvider({
        idpDir: join(dir, 'idp'),
        accounts: [{ principal: 'bob', groups: ['treasury-approvers'] }, { principal: 'carol', groups: ['treasury-approvers'] }, { principal: 'alice', groups: ['treasury', 'treasury-approvers'] }, { principal: 'olivia', groups: ['operators'] }, { principal: 'victor', groups: ['visitors'] }],
        clients: [{ clientId: 'writ-console', clientSecret: 'console-test-secret', redirectUris: [redirectUri] }],
      });
      return { issuer: provider.issuer, clientId: 'writ-console', clientSecret: 'console-test-secret' };
    },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  await consoleServer?.stop();
  await provider?.stop();
  for (const handle of started) await handle.terminate('test over').catch(() => undefined);
  await env?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** With WRIT_CONSOLE_SCREENSHOTS=<dir>, saves the page there (the README's pictures come from it). */
async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env['WRIT_CONSOLE_SCREENSHOTS'];
  if (dir !== undefined) await page.screenshot({ path: join(dir, name), fullPage: true });
}

/** Signs `principal` in through the provider's page, starting from the console. */
async function signedInPage(context: BrowserContext, principal: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(consoleServer.url);
  expect(page.url().startsWith(provider.issuer)).toBe(true);
  await page.getByLabel('Principal').fill(principal);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${consoleServer.url}/`);
  return page;
}

describe('the console in a browser', () => {
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  let hostile: WorkflowHandle;

  beforeAll(async () => {
    hostile = await startTransfer(HOSTILE_MEMO);
    context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
    page = await signedInPage(context, 'bob');
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  afterAll(async () => context?.close());

  describe('when an operator signs in through the OpenID provider', () => {
    it('shows who is signed in, and the pending approvals with what is asked', async () => {
      await expect(page.locator('.operator strong').textContent()).resolves.toBe('bob');
      const row = page.locator(`tr[data-workflow-id="${hostile.workflowId}"]`);
      await expect(row.locator('td').nth(1).textContent()).resolves.toBe('transferFunds');
      await expect(row.locator('td').nth(3).textContent()).resolves.toBe('alice');
      await expect(row.locator('td.count').textContent()).resolves.toMatch(/^0 \/ 2/);
      await expect(row.locator('td').nth(4).textContent()).resolves.toContain('transfers-require-two-approvals');
      // A treasury approver's header leads to the pages their policies let them see, not to the kill switch.
      await expect(page.locator('header nav a').allTextContents()).resolves.toEqual(['Pending approvals', 'Passkeys']);
    });

    it('keeps the session in an HttpOnly, SameSite=Lax cookie', async () => {
      const cookie = (await context.cookies(consoleServer.url)).find((c) => c.name === 'writ_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
      await expect(page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).resolves.not.toContain('writ_session');
    });
  });

  describe('when an argument carries <script> and "onerror= payloads', () => {
    it('renders them as text and runs nothing', async () => {
      const args = page.locator(`tr[data-workflow-id="${hostile.workflowId}"] code.args`);
      await expect(args.textContent()).resolves.toContain(HOSTILE_MEMO.replace(/"/g, '\\"'));
      await expect(page.locator('main script, main img').count()).resolves.toBe(0);
      await expect(page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
      expect(dialogs).toEqual([]);
    });

    it("shows the workflow's page with its live audit verdict, still running nothing", async () => {
      const workflowPage = await context.newPage();
      await workflowPage.goto(`${consoleServer.url}/workflows/${encodeURIComponent(hostile.workflowId)}`);
      await expect(workflowPage.locator('#verdict').textContent()).resolves.toMatch(/^History check: PASSED/);
      await expect(workflowPage.locator('table.steps tbody tr td.decision').first().textContent()).resolves.toBe('pending');
      await expect(workflowPage.locator('main script').count()).resolves.toBe(0);
      await expect(workflowPage.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
      await screenshot(workflowPage, 'console-workflow.png');
      await screenshot(page, 'console-pending.png');
      await workflowPage.close();
    });
  });

  describe('when another step starts waiting while the page is open', () => {
    it('appears without reloading', async () => {
      const loadedAt = await page.evaluate(() => performance.timeOrigin);
      const next = await startTransfer();
      await page.locator(`tr[data-workflow-id="${next.workflowId}"]`).waitFor({ timeout: 15_000 });
      await expect(page.evaluate(() => performance.timeOrigin)).resolves.toBe(loadedAt);
    });
  });

  describe('when another site posts to the console with the operator\'s cookie', () => {
    it('is refused with CSRF_INVALID and the session stays', async () => {
      // A page on another origin whose form posts to the console: the browser sends the
      // session cookie (localhost on another port is the same site), not the CSRF token.
      const attacker = http.createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(`<form id="f" method="post" action="${consoleServer.url}/sign-out"><input name="csrf" value="guessed"></form><script>document.getElementById('f').submit()</script>`);
      });
      await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
      try {
        const attackPage = await context.newPage();
        const posted = attackPage.waitForResponse((response) => response.url() === `${consoleServer.url}/sign-out`);
        await attackPage.goto(`http://localhost:${(attacker.address() as AddressInfo).port}/`);
        const response = await posted;
        expect(response.status()).toBe(403);
        expect(response.headers()['x-writ-code']).toBe('CSRF_INVALID');
        await attackPage.close();
      } finally {
        attacker.close();
      }
      await page.reload();
      await expect(page.locator('.operator strong').textContent()).resolves.toBe('bob');
    });
  });

  describe('when the operator signs out', () => {
    it('ends the session: its cookie opens nothing any more', async () => {
      const other = await signedInPage(await browser.newContext(), 'carol');
      const session = (await other.context().cookies(consoleServer.url)).find((c) => c.name === 'writ_session')!;
      const withSession = { headers: { cookie: `writ_session=${session.value}` } };
      expect((await fetch(`${consoleServer.url}/api/pending`, withSession)).status).toBe(200);
      await other.getByRole('button', { name: 'Sign out' }).click();
      await other.waitForURL(`${consoleServer.url}/signed-out`);
      const after = await fetch(`${consoleServer.url}/api/pending`, withSession);
      expect(after.status).toBe(401);
      expect(after.headers.get('x-writ-code')).toBe('IDENTITY_MISSING');
      await other.context().close();
    });
  });
});

/** A signed-in page with Chromium's virtual authenticator (DevTools WebAuthn domain): user present and verified. */
async function pageWithAuthenticator(principal: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  const page = await signedInPage(context, principal);
  const devtools = await context.newCDPSession(page);
  await devtools.send('WebAuthn.enable', { enableUI: false });
  await devtools.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return page;
}

async function registerPasskey(page: Page, principal: string): Promise<void> {
  await page.goto(`${consoleServer.url}/passkeys`);
  await page.getByRole('button', { name: 'Register a passkey' }).click();
  const status = page.locator('#passkey-status');
  await status.filter({ hasText: /bound to|Refused/ }).waitFor({ timeout: 15_000 });
  expect(await status.textContent()).toMatch(new RegExp(`bound to ${principal}\\.$`));
  await page.waitForURL(`${consoleServer.url}/passkeys`);
  await page.locator('#passkeys tbody tr').first().waitFor();
  if (principal === 'bob') await screenshot(page, 'console-passkeys.png');
}

/** Clicks a row's decision button and returns what the page then says. */
async function decideOnPage(page: Page, workflowId: string, decision: 'Approve' | 'Deny'): Promise<string> {
  await page.goto(consoleServer.url);
  await page.locator(`tr[data-workflow-id="${workflowId}"]`).getByRole('button', { name: decision }).click();
  const status = page.locator('#decision-status');
  await status.filter({ hasText: /^(Approved|Denied|Refused)/ }).waitFor({ timeout: 20_000 });
  return (await status.textContent()) ?? '';
}

describe('approving with passkeys', () => {
  let bob: Page;
  let carol: Page;
  let alice: Page;

  beforeAll(async () => {
    [bob, carol, alice] = [await pageWithAuthenticator('bob'), await pageWithAuthenticator('carol'), await pageWithAuthenticator('alice')];
    for (const [page, principal] of [[bob, 'bob'], [carol, 'carol'], [alice, 'alice']] as const) await registerPasskey(page, principal);
  });
  afterAll(async () => {
    for (const page of [bob, carol, alice]) await page?.context().close();
  });

  describe('when operators register passkeys', () => {
    it('binds each to the principal it signed in as, in the governance store the workers read', async () => {
      const [bound] = await env.governance.passkeysOf('bob');
      expect(bound).toMatchObject({ principal: 'bob', groups: ['treasury-approvers'], rpId: 'localhost' });
      const evidence = JSON.parse(bound!.evidence) as { document: { principal: string; credentialId: string }; idToken: string; assertion: { id: string } };
      expect(evidence.document).toMatchObject({ principal: 'bob', credentialId: bound!.credentialId });
      expect(evidence.assertion.id).toBe(bound!.credentialId);
      expect(evidence.idToken.split('.')).toHaveLength(3);
      // Logged ahead in the workers' evidence log, exactly as the store holds it.
      const logged = (await loggedEntries(env.logDir)).filter((entry) => entry.kind === 'passkey-binding').map((entry) => JSON.parse(entry.evidence) as { credentialId: string });
      const entry = logged.find((binding) => binding.credentialId === bound!.credentialId);
      expect(canonicalJson(entry)).toBe(canonicalJson({ ...bound!, groups: [...bound!.groups] }));
    });
  });

  describe('when the evidence log cannot take a binding', () => {
    it('refuses it with EVIDENCE_LOG_UNAVAILABLE and the store records nothing', async () => {
      const victor = await pageWithAuthenticator('victor');
      logRefuses = true;
      try {
        await victor.goto(`${consoleServer.url}/passkeys`);
        await victor.getByRole('button', { name: 'Register a passkey' }).click();
        const status = victor.locator('#passkey-status');
        await status.filter({ hasText: /bound to|Refused/ }).waitFor({ timeout: 15_000 });
        await expect(status.textContent()).resolves.toMatch(/^Refused: EVIDENCE_LOG_UNAVAILABLE: /);
      } finally {
        logRefuses = false;
        await victor.context().close();
      }
      await expect(env.governance.passkeysOf('victor')).resolves.toEqual([]);
    });
  });

  describe('when two operators approve a two-approval transfer with their passkeys', () => {
    it('runs it once, after the second approval', async () => {
      const before = env.stores.ledger.listTransfers().length;
      const handle = await startTransfer();
      await expect(decideOnPage(bob, handle.workflowId, 'Approve')).resolves.toBe('Approved by bob: 1/2 approvals.');
      expect(env.stores.ledger.listTransfers()).toHaveLength(before);
      await expect(decideOnPage(carol, handle.workflowId, 'Approve')).resolves.toBe('Approved by carol: 2/2 approvals.');
      await handle.result();
      expect(env.stores.ledger.listTransfers()).toHaveLength(before + 1);
      await expect(env.governance.passkeysOf('carol')).resolves.toHaveLength(1);

      // Its page: the steps with the approvers, and the lineage picture.
      await bob.goto(`${consoleServer.url}/workflows/${encodeURIComponent(handle.workflowId)}`);
      const permit = bob.locator('table.steps tbody tr').filter({ has: bob.locator('td.decision', { hasText: /^permit$/ }) });
      await expect(permit.locator('td').nth(5).textContent()).resolves.toBe('bob, carol');
      await expect(permit.locator('td.outcome').textContent()).resolves.toBe('completed');
      const lineage = bob.locator('img#lineage');
      await lineage.waitFor();
      await expect(lineage.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).resolves.toBeGreaterThan(200);
    });
  });

  describe('when the initiator approves their own request', () => {
    it('is refused with APPROVAL_SELF on the page, and nothing runs', async () => {
      const before = env.stores.ledger.listTransfers().length;
      const handle = await startTransfer();
      await expect(decideOnPage(alice, handle.workflowId, 'Approve')).resolves.toMatch(/^Refused: APPROVAL_SELF: /);
      expect((await awaitPending(handle)).approvers).toEqual([]);
      expect(env.stores.ledger.listTransfers()).toHaveLength(before);
    });
  });

  describe('when the assertion signs another digest than the request\'s', () => {
    it('is refused with PASSKEY_ASSERTION_INVALID and counts for nothing', async () => {
      const handle = await startTransfer();
      // The page is given another challenge to sign than the one the request's digest and decision make.
      await bob.route('**/api/decisions/options', async (route) => {
        const answer = await route.fetch();
        const options = (await answer.json()) as { challenge: string };
        await route.fulfill({ response: answer, json: { ...options, challenge: Buffer.alloc(32, 7).toString('base64url') } });
      });
      try {
        await expect(decideOnPage(bob, handle.workflowId, 'Approve')).resolves.toMatch(/^Refused: PASSKEY_ASSERTION_INVALID: /);
      } finally {
        await bob.unroute('**/api/decisions/options');
      }
      expect((await awaitPending(handle)).approvers).toEqual([]);
    });
  });

  describe('when an operator types a reason and denies', () => {
    it('keeps the reason through live updates and signs it into the denial the run fails with', async () => {
      const handle = await startTransfer();
      await bob.goto(consoleServer.url);
      const row = bob.locator(`tr[data-workflow-id="${handle.workflowId}"]`);
      const reason = 'payee not verified <b>yet</b>';
      await row.getByRole('textbox', { name: /^Reason for your decision on transferFunds/ }).fill(reason);
      // A run that starts waiting meanwhile comes in with the next live update, which
      // replaces the list: what is typed stays, and so does the focus.
      const other = await startTransfer();
      await bob.locator(`tr[data-workflow-id="${other.workflowId}"]`).waitFor({ timeout: 15_000 });
      await expect(row.getByRole('textbox').inputValue()).resolves.toBe(reason);
      await expect(bob.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }).document.activeElement?.getAttribute('name'))).resolves.toBe('reason');
      await row.getByRole('button', { name: 'Deny' }).click();
      const status = bob.locator('#decision-status');
      await status.filter({ hasText: /^(Approved|Denied|Refused)/ }).waitFor({ timeout: 20_000 });
      await expect(status.textContent()).resolves.toBe('Denied by bob: 0/2 approvals.');
      await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'APPROVAL_DENIED', message: `transferFunds denied by bob: ${reason}` } });
      await other.terminate('test over');
    });
  });

  describe('when a recorded passkey approval is sent to the run again', () => {
    it('is refused and counts once', async () => {
      const handle = await startTransfer();
      await expect(decideOnPage(bob, handle.workflowId, 'Approve')).resolves.toBe('Approved by bob: 1/2 approvals.');
      const history = await handle.fetchHistory();
      const sent = history.events!.find((event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === APPROVE_UPDATE);
      expect(sent).toBeDefined();
      const client = await env.clientAs('olivia', ['operators']);
      const statement = JSON.parse(Buffer.from(sent!.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.args!.payloads![0]!.data!).toString('utf8')) as string;
      expect(statement.startsWith('writ-passkey.')).toBe(true);
      await expect(client.workflow.getHandle(handle.workflowId).executeUpdate(APPROVE_UPDATE, { args: [statement] })).rejects.toMatchObject({ cause: { type: expect.stringMatching(/^(APPROVAL_REPLAYED|APPROVAL_DUPLICATE_APPROVER)$/) } });
      expect((await awaitPending(handle)).approvers).toEqual(['bob']);
    });
  });
});

/** Fills a statement form (reason, typed confirmation), submits it, and returns what the page then says. */
async function submitStatementForm(page: Page, reason: string, confirm: string): Promise<string> {
  await page.locator('[name="reason"]').fill(reason);
  await page.locator('[name="confirm"]').fill(confirm);
  await page.locator('main form button[type="submit"]').click();
  const status = page.locator('#statement-status');
  await status.filter({ hasText: /^(Revoked|Kill switch|Refused)/ }).waitFor({ timeout: 20_000 });
  return (await status.textContent()) ?? '';
}

describe('revoking and halting with passkeys', () => {
  let olivia: Page;
  const smallTransfer = { fromAccount: 'acct-treasury', toAccount: 'acct-bob', amountCents: 10_000 };
  async function runSmallTransfer(): Promise<unknown> {
    const client = await env.clientAs(TREASURER.principal, TREASURER.groups);
    counter += 1;
    return client.workflow.execute('transferFunds', { taskQueue: env.taskQueue, workflowId: `console-small-${Date.now()}-${counter}`, args: [smallTransfer] });
  }

  beforeAll(async () => {
    olivia = await pageWithAuthenticator('olivia');
    await registerPasskey(olivia, 'olivia');
  });
  afterAll(async () => olivia?.context().close());

  describe('when an operator revokes a waiting run from its page', () => {
    it('needs the workflow id typed, then ends the run with AUTHORITY_REVOKED', async () => {
      const handle = await startTransfer();
      await olivia.goto(`${consoleServer.url}/workflows/${encodeURIComponent(handle.workflowId)}`);
      await expect(submitStatementForm(olivia, 'suspected compromise', 'not-the-id')).resolves.toMatch(/^Refused: INPUT_INVALID: /);
      await expect(submitStatementForm(olivia, 'suspected compromise', handle.workflowId)).resolves.toMatch(/^Revoked by olivia at /);
      await expect(failureCode(handle.result())).resolves.toBe('AUTHORITY_REVOKED');
      await expect(env.governance.revocation((await handle.describe()).runId)).resolves.toMatchObject({ revokedBy: 'olivia', reason: 'suspected compromise' });
    });
  });

  describe('when an operator engages the kill switch from the page', () => {
    it('stops the next action, and lifting it lets the one after run', async () => {
      const before = env.stores.ledger.listTransfers().length;
      await olivia.goto(`${consoleServer.url}/kill-switch`);
      await expect(submitStatementForm(olivia, 'incident drill', `HALT ${env.namespace}`)).resolves.toMatch(/^Kill switch engaged by olivia at /);
      await expect(env.governance.killSwitch(env.namespace)).resolves.toMatchObject({ engaged: true, by: 'olivia' });
      await expect(failureCode(runSmallTransfer())).resolves.toBe('KILL_SWITCH_ENGAGED');
      expect(env.stores.ledger.listTransfers()).toHaveLength(before);

      await olivia.goto(`${consoleServer.url}/kill-switch`);
      await expect(olivia.locator('#kill-switch-state').textContent()).resolves.toMatch(/^Engaged/);
      await expect(submitStatementForm(olivia, 'drill over', `RESUME ${env.namespace}`)).resolves.toMatch(/^Kill switch lifted by olivia at /);
      await runSmallTransfer();
      expect(env.stores.ledger.listTransfers()).toHaveLength(before + 1);
    });
  });
});

describe('who may see what, decided by Cedar', () => {
  let context: BrowserContext;
  let waiting: WorkflowHandle;

  beforeAll(async () => {
    waiting = await startTransfer();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  });
  afterAll(async () => context?.close());

  describe('when the signed-in principal is in no group the console policies permit', () => {
    it('refuses the pending page with OPERATOR_NOT_AUTHORIZED and shows no workflow data', async () => {
      const page = await signedInPage(context, 'victor');
      await expect(page.title()).resolves.toBe('Refused: OPERATOR_NOT_AUTHORIZED — Writ console');
      await expect(page.locator('.refusal').textContent()).resolves.toContain('viewPending');
      const content = await page.content();
      expect(content).not.toContain(waiting.workflowId);
      expect(content).not.toContain('transferFunds');
      await page.close();
    });

    it('refuses the live list and the workflow page with the code, and sends nothing of the run', async () => {
      const live = await context.request.get(`${consoleServer.url}/api/pending`);
      expect(live.status()).toBe(403);
      expect(live.headers()['x-writ-code']).toBe('OPERATOR_NOT_AUTHORIZED');
      expect(await live.text()).not.toContain(waiting.workflowId);
      const workflowPage = await context.request.get(`${consoleServer.url}/workflows/${encodeURIComponent(waiting.workflowId)}`);
      expect(workflowPage.status()).toBe(403);
      expect(workflowPage.headers()['x-writ-code']).toBe('OPERATOR_NOT_AUTHORIZED');
      expect(await workflowPage.text()).not.toContain('transferFunds');
      const killSwitch = await context.request.get(`${consoleServer.url}/kill-switch`);
      expect(killSwitch.status()).toBe(403);
      expect(killSwitch.headers()['x-writ-code']).toBe('OPERATOR_NOT_AUTHORIZED');
      expect(await killSwitch.text()).toContain('viewKillSwitch');
    });
  });

  describe('when the signed-in principal is an operator the policies permit', () => {
    it('shows the pending page with the waiting run', async () => {
      const operatorContext = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      const page = await signedInPage(operatorContext, 'olivia');
      await expect(page.title()).resolves.toBe('Pending approvals — Writ console');
      await expect(page.locator(`tr[data-workflow-id="${waiting.workflowId}"] td`).nth(1).textContent()).resolves.toBe('transferFunds');
      await expect(page.locator('header nav a').allTextContents()).resolves.toEqual(['Pending approvals', 'Passkeys', 'Kill switch']);
      await operatorContext.close();
    });
  });
});

describe('the console without a session', () => {
  it('answers its API with IDENTITY_MISSING', async () => {
    const response = await fetch(`${consoleServer.url}/api/pending`);
    expect(response.status).toBe(401);
    expect(response.headers.get('x-writ-code')).toBe('IDENTITY_MISSING');
  });

  it('refuses a callback it did not start with SIGN_IN_INVALID', async () => {
    const response = await fetch(`${consoleServer.url}/auth/callback?code=forged&state=forged`);
    expect(response.status).toBe(400);
    expect(response.headers.get('x-writ-code')).toBe('SIGN_IN_INVALID');
  });

  it('serves every page under a Content-Security-Policy without inline script', async () => {
    const response = await fetch(`${consoleServer.url}/signed-out`);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).toContain("frame-ancestors 'none'");
  });
});
