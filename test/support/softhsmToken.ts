import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { loadPkcs11js } from '../../core/keys/pkcs11/loadPkcs11js';
import type { Pkcs11SignerConfig } from '../../core/keys/pkcs11/pkcs11SignerConfig';
import { TEST_ENV } from './testServer';

/** Debian's SoftHSM2 module, as scripts/setup.sh installs it (`WRIT_SOFTHSM_MODULE` for another). */
export const SOFTHSM_MODULE = process.env['WRIT_SOFTHSM_MODULE'] ?? '/usr/lib/softhsm/libsofthsm2.so';
/** The user PIN every test token gets; it reaches Writ only through the environment. */
export const TEST_PIN = '246810';
const TEST_SO_PIN = '13579111';
/** The environment variable the test signer configurations name for the PIN. */
export const TEST_PIN_ENV = 'WRIT_TEST_PKCS11_PIN';

/** Real SoftHSM2 tokens made for one test file. */
export interface SoftHsm {
  /** The SoftHSM2 configuration of the run (what SOFTHSM2_CONF names). */
  readonly conf: string;
  /** An environment holding the test PIN under TEST_PIN_ENV (and nothing else). */
  readonly env: NodeJS.ProcessEnv;
  /** The real label of the token this file calls `name` (unique in the run). */
  label(name: string): string;
  /** A signer configuration for `keyLabel` in the token this file calls `tokenName`. */
  config(tokenName: string, keyLabel: string): Pkcs11SignerConfig;
  /** Deletes this file's tokens. */
  dispose(): void;
}

/**
 * Initializes a real SoftHSM2 token for each name (`softhsm2-util --init-token --free`)
 * in the run's token directory, which globalSetup names in SOFTHSM2_CONF, under a label
 * unique to this file. All before the module is opened: SoftHSM reads its tokens when
 * initialized, so a module this process left initialized is finalized first. Without
 * SoftHSM2 installed this throws saying how to install it: the tests need it and are
 * never skipped.
 */
export function startSoftHsm(tokenNames: readonly string[]): SoftHsm {
  if (!fs.existsSync(SOFTHSM_MODULE)) {
    throw new Error(`SoftHSM2 is not installed (no ${SOFTHSM_MODULE}): run \`bash scripts/setup.sh\` as root, or \`apt-get install softhsm2\`, or set WRIT_SOFTHSM_MODULE`);
  }
  const conf = process.env[TEST_ENV.softHsmConf];
  if (conf === undefined || process.env['SOFTHSM2_CONF'] !== conf) {
    throw new Error("SOFTHSM2_CONF is not the run's token directory: run the tests with jest's global set-up (npx jest)");
  }
  // Short: a token label has at most 32 characters.
  const suffix = randomBytes(3).toString('hex');
  const labels = new Map(tokenNames.map((name) => [name, `${name}-${suffix}`]));
  for (const label of labels.values()) softhsm2Util(['--init-token', '--free', '--label', label, '--pin', TEST_PIN, '--so-pin', TEST_SO_PIN]);
  finalizeLeftoverModule();
  const label = (name: string): string => {
    const found = labels.get(name);
    if (found === undefined) throw new Error(`no test token named ${name}`);
    return found;
  };
  return {
    conf,
    env: { [TEST_PIN_ENV]: TEST_PIN },
    label,
    config: (tokenName, keyLabel) => ({ kind: 'pkcs11', module: SOFTHSM_MODULE, tokenLabel: label(tokenName), keyLabel, pinEnv: TEST_PIN_ENV }),
    dispose: () => {
      for (const tokenLabel of labels.values()) {
        try {
          softhsm2Util(['--delete-token', '--token', tokenLabel]);
        } catch {
          // The run's directory goes at teardown anyway.
        }
      }
    },
  };
}

function softhsm2Util(args: string[]): void {
  execFileSync('softhsm2-util', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

// A test file that failed before closing its signers leaves the module initialized in
// this worker, seeing only the tokens of its time; the next file starts it afresh.
function finalizeLeftoverModule(): void {
  const binding = loadPkcs11js();
  const pkcs11 = new binding.PKCS11();
  pkcs11.load(SOFTHSM_MODULE);
  try {
    try {
      pkcs11.C_Initialize();
    } catch {
      // Already initialized: the finalize below ends it.
    }
    pkcs11.C_Finalize();
  } finally {
    pkcs11.close();
  }
}
