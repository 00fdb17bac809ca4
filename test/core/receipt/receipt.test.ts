import { mintReceipt } from '../../../core/receipt/mintReceipt';
import { RECEIPT_TYP, type ReceiptClaims } from '../../../core/receipt/receiptClaims';
import { verifyReceipt } from '../../../core/receipt/verifyReceipt';
import { sha256Digest } from '../../../core/canonical/digest';
import type { Signer } from '../../../core/artifact/mintArtifact';
import { TrustedKeySet } from '../../../core/keys/trustedKeySet';
import { TARGET, createRealKeys, encodeJson, payloadOf, rejectionCode, signCompactEd25519, type RealKeys } from '../artifact/artifactTestKit';
import { forge, foreignSigner, signRaw, validContent } from '../../support/forgeArtifact';

const NOW = new Date('2030-01-01T00:00:00Z');

let keys: RealKeys;
let signer: Signer;
let artifact: string;
let content: Omit<ReceiptClaims['writ'], 'v'>;
let receipt: string;

beforeAll(async () => {
  // Receipts are signed by an executor's receipt key.
  keys = await createRealKeys('receipt');
  signer = keys.signer;
  artifact = await forge(validContent(TARGET), signer, NOW);
  content = {
    artifactId: String(payloadOf(artifact)['jti']),
    artifactDigest: sha256Digest(artifact),
    runId: TARGET.runId,
    activityId: TARGET.activityId,
    attempt: 1,
    outcome: 'completed',
    resultDigest: sha256Digest('{"transferId":"tr-1"}'),
  };
  receipt = await mintReceipt(content, signer, NOW);
});

afterAll(() => keys?.dispose());

const expected = (): { artifactDigest: string; resultDigest: string } => ({ artifactDigest: content.artifactDigest, resultDigest: content.resultDigest });
const receiptHeader = (changes: Record<string, unknown> = {}): Record<string, unknown> => ({ alg: 'EdDSA', typ: RECEIPT_TYP, kid: signer.kid, ...changes });

function refusal(token: string, wanted = expected()): Promise<unknown> {
  return rejectionCode(() => verifyReceipt(token, wanted, keys.trusted));
}

describe('mintReceipt and verifyReceipt', () => {
  describe('when a receipt is minted and verified against its own artifact and result', () => {
    it('returns the claims it was minted with', async () => {
      const claims = await verifyReceipt(receipt, expected(), keys.trusted);
      expect(claims).toEqual({
        iss: 'writ',
        aud: 'writ-audit',
        jti: expect.any(String),
        iat: NOW.getTime() / 1000,
        writ: { v: 1, ...content },
      });
    });

    it('still verifies when the same claims are re-signed by the trusted key through signRaw', async () => {
      // The control for the claim and header tests below.
      expect(await refusal(await signRaw(receiptHeader(), payloadOf(receipt), keys.signingKey.key))).toBe('NO_ERROR');
    });
  });

  describe('when the receipt names another artifact', () => {
    it('refuses it as RECEIPT_INVALID', async () => {
      expect(await refusal(receipt, { ...expected(), artifactDigest: sha256Digest('another artifact') })).toBe('RECEIPT_INVALID');
    });
  });

  describe('when the receipt names another result', () => {
    it('refuses it as RECEIPT_INVALID', async () => {
      expect(await refusal(receipt, { ...expected(), resultDigest: sha256Digest('{"transferId":"tr-2"}') })).toBe('RECEIPT_INVALID');
    });
  });

  describe('when the receipt has the wrong type', () => {
    it.each<[string, () => Record<string, unknown>]>([
      ['no typ', () => ({ alg: 'EdDSA', kid: signer.kid })],
      ['typ JWT', () => receiptHeader({ typ: 'JWT' })],
      ['the artifact typ', () => receiptHeader({ typ: 'writ-authz+jwt' })],
    ])('refuses a trusted signature with %s as RECEIPT_INVALID', async (_kind, header) => {
      expect(await refusal(await signRaw(header(), payloadOf(receipt), keys.signingKey.key))).toBe('RECEIPT_INVALID');
    });

    it('refuses a genuine authorization artifact presented as a receipt as RECEIPT_INVALID', async () => {
      expect(await refusal(artifact)).toBe('RECEIPT_INVALID');
    });
  });

  describe('when the receipt is not signed by a trusted key', () => {
    it('refuses a foreign key claiming the trusted kid as RECEIPT_INVALID', async () => {
      expect(await refusal(await mintReceipt(content, foreignSigner(signer.kid), NOW))).toBe('RECEIPT_INVALID');
    });

    it('refuses an unknown kid as RECEIPT_INVALID', async () => {
      expect(await refusal(await mintReceipt(content, foreignSigner('stranger-kid'), NOW))).toBe('RECEIPT_INVALID');
    });

    it('refuses alg none as RECEIPT_INVALID', async () => {
      expect(await refusal(`${encodeJson(receiptHeader({ alg: 'none' }))}.${encodeJson(payloadOf(receipt))}.`)).toBe('RECEIPT_INVALID');
    });
  });

  describe('when the payload was tampered with', () => {
    it('refuses an altered outcome under the original signature as RECEIPT_INVALID', async () => {
      const [head, , signature] = receipt.split('.');
      const claims = payloadOf(receipt) as ReceiptClaims;
      claims.writ.outcome = 'failed';
      expect(await refusal(`${head}.${encodeJson(claims)}.${signature}`)).toBe('RECEIPT_INVALID');
    });

    it('refuses claims outside the schema, even when signed by the trusted key, as RECEIPT_INVALID', async () => {
      const claims = payloadOf(receipt) as ReceiptClaims;
      Object.assign(claims.writ, { extra: true });
      expect(await refusal(signCompactEd25519(receiptHeader(), claims, keys.signingKey.key))).toBe('RECEIPT_INVALID');
    });
  });

  describe('when the receipt is signed by an authorization key', () => {
    let authorization: RealKeys;
    let both: TrustedKeySet;
    beforeAll(async () => {
      authorization = await createRealKeys('authorization');
      both = TrustedKeySet.fromJwks({ keys: [...jwksOf(keys), ...jwksOf(authorization)] });
    });
    afterAll(() => authorization.dispose());

    it('refuses it as RECEIPT_KEY_PURPOSE_INVALID, though the key is trusted and the signature holds', async () => {
      const byAuthorizer = await mintReceipt(content, authorization.signer, NOW);
      expect(await rejectionCode(() => verifyReceipt(byAuthorizer, expected(), both))).toBe('RECEIPT_KEY_PURPOSE_INVALID');
      expect(await rejectionCode(() => verifyReceipt(receipt, expected(), both))).toBe('NO_ERROR');
    });

    it('accepts it from a key published before keys had purposes (no writ_purpose), which signed receipts too', async () => {
      const legacy = TrustedKeySet.fromJwks({ keys: jwksOf(authorization).map(({ writ_purpose: _purpose, ...jwk }) => jwk) });
      expect(legacy.purposeOf(authorization.signer.kid)).toBeUndefined();
      const byLegacyKey = await mintReceipt(content, authorization.signer, NOW);
      expect(await rejectionCode(() => verifyReceipt(byLegacyKey, expected(), legacy))).toBe('NO_ERROR');
    });
  });
});

/** The published JWKs of a test key store. */
function jwksOf(real: RealKeys): Record<string, unknown>[] {
  return real.published.map((jwk) => ({ ...jwk }));
}
