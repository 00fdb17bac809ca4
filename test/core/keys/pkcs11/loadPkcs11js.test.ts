import { isWritError } from '../../../../core/errors/writError';
import { loadPkcs11js } from '../../../../core/keys/pkcs11/loadPkcs11js';

function refusal(load: () => unknown): { code: string; message: string } | undefined {
  try {
    loadPkcs11js(load);
    return undefined;
  } catch (error) {
    return isWritError(error) ? { code: error.code, message: error.message } : { code: 'NOT_A_WRIT_ERROR', message: String(error) };
  }
}

function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- loadPkcs11js.ts`), { code: 'MODULE_NOT_FOUND' });
}

describe('loadPkcs11js', () => {
  it('loads the installed binding', () => {
    expect(typeof loadPkcs11js().PKCS11).toBe('function');
  });

  describe('when pkcs11js is not installed', () => {
    it('is SIGNER_UNAVAILABLE saying to install it', () => {
      expect(refusal(() => { throw notFound('pkcs11js'); })).toEqual({ code: 'SIGNER_UNAVAILABLE', message: expect.stringContaining('npm install pkcs11js') });
    });
  });

  describe('when pkcs11js is installed but its native module does not load', () => {
    it('is SIGNER_UNAVAILABLE saying to rebuild it', () => {
      expect(refusal(() => { throw new Error('NODE_MODULE_VERSION 115 ... requires NODE_MODULE_VERSION 137'); })).toEqual({ code: 'SIGNER_UNAVAILABLE', message: expect.stringContaining('npm rebuild pkcs11js') });
      expect(refusal(() => { throw notFound('./build/Release/pkcs11.node'); })).toEqual({ code: 'SIGNER_UNAVAILABLE', message: expect.stringContaining('npm rebuild pkcs11js') });
    });
  });

  describe('when something else answers to the name', () => {
    it('is SIGNER_UNAVAILABLE', () => {
      expect(refusal(() => ({}))?.code).toBe('SIGNER_UNAVAILABLE');
    });
  });
});
