/**
 * The PKCS#11 3.0 values for Ed25519 that pkcs11js (written for 2.40) does not name.
 * SoftHSM 2.6 and HSMs with EdDSA support use these.
 */
export const CKK_EC_EDWARDS = 0x40;
/** Generates an Edwards-curve key pair; the curve is the public template's CKA_EC_PARAMS. */
export const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
/** EdDSA over the whole message (Ed25519 for an edwards25519 key, no pre-hash, no context). */
export const CKM_EDDSA = 0x1057;

/** CKA_EC_PARAMS for Ed25519: the DER of the curve OID 1.3.101.112 (RFC 8410). */
export const ED25519_OID_PARAMS = Buffer.from('06032b6570', 'hex');
/** CKA_EC_PARAMS for Ed25519 as PKCS#11 3.0 also allows it: the printable string "edwards25519". */
export const ED25519_NAMED_PARAMS = Buffer.concat([Buffer.from([0x13, 12]), Buffer.from('edwards25519', 'ascii')]);
