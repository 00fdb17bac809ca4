import { ed25519KeyFromEcPoint, isEd25519Params } from '../../../../core/keys/pkcs11/ecPoint';

const KEY = Buffer.alloc(32, 0xab);

describe('ed25519KeyFromEcPoint', () => {
  it('takes the DER OCTET STRING SoftHSM and PKCS#11 3.0 give', () => {
    expect(ed25519KeyFromEcPoint(Buffer.concat([Buffer.from([0x04, 0x20]), KEY]))).toEqual(KEY);
  });

  it('takes the bare 32 bytes some modules give', () => {
    expect(ed25519KeyFromEcPoint(KEY)).toEqual(KEY);
  });

  it.each<[string, Buffer]>([
    ['an OCTET STRING of the wrong length', Buffer.concat([Buffer.from([0x04, 0x1f]), KEY.subarray(1)])],
    ['another DER tag around 32 bytes', Buffer.concat([Buffer.from([0x03, 0x20]), KEY])],
    ['a long-form length', Buffer.concat([Buffer.from([0x04, 0x81, 0x20]), KEY])],
    ['an Ed448 point (57 bytes)', Buffer.concat([Buffer.from([0x04, 57]), Buffer.alloc(57)])],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s', (_what, point) => {
    expect(ed25519KeyFromEcPoint(point)).toBeUndefined();
  });
});

describe('isEd25519Params', () => {
  it('knows the curve by its OID 1.3.101.112 and by the printable string "edwards25519"', () => {
    expect(isEd25519Params(Buffer.from('06032b6570', 'hex'))).toBe(true);
    expect(isEd25519Params(Buffer.concat([Buffer.from([0x13, 12]), Buffer.from('edwards25519')]))).toBe(true);
  });

  it('refuses Ed448 (1.3.101.113, "edwards448") and anything else', () => {
    expect(isEd25519Params(Buffer.from('06032b6571', 'hex'))).toBe(false);
    expect(isEd25519Params(Buffer.concat([Buffer.from([0x13, 10]), Buffer.from('edwards448')]))).toBe(false);
    expect(isEd25519Params(Buffer.from('06082a8648ce3d030107', 'hex'))).toBe(false);
  });
});
