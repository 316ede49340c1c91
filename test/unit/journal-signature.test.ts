import { checkSignatures, newSigningKey, parsePublicKey, publicKeyOf, signHead, verifyHead } from '../../db/journal-signature';

/** Ed25519 signatures of batch heads (db/journal-signature.ts), as the server and an offline verifier check them. */
const H = (n: number) => n.toString(16).padStart(64, '0');

describe('journal signatures', () => {
  const key = newSigningKey();

  test('a head signed by the console verifies with its public key only, for that console, seq and hash', () => {
    const sig = signHead(key.privateKeyPem, 'poste-1', 25, H(25));
    expect(publicKeyOf(key.privateKeyPem)).toBe(key.publicKeyPem);
    expect(verifyHead(key.publicKeyPem, 'poste-1', 25, H(25), sig)).toBe(true);
    expect(verifyHead(key.publicKeyPem, 'poste-2', 25, H(25), sig)).toBe(false);
    expect(verifyHead(key.publicKeyPem, 'poste-1', 26, H(25), sig)).toBe(false);
    expect(verifyHead(key.publicKeyPem, 'poste-1', 25, H(24), sig)).toBe(false);
    expect(verifyHead(newSigningKey().publicKeyPem, 'poste-1', 25, H(25), sig)).toBe(false);
  });

  test('hostile input is false, never an exception', () => {
    expect(verifyHead(key.publicKeyPem, 'poste-1', 1, H(1), 'AAAA')).toBe(false);
    expect(verifyHead(key.publicKeyPem, 'poste-1', 1, H(1), '%%%')).toBe(false);
    expect(verifyHead('not a key', 'poste-1', 1, H(1), 'A'.repeat(88))).toBe(false);
    expect(parsePublicKey('not a key')).toBeUndefined();
    expect(parsePublicKey(key.publicKeyPem)).toBe(key.publicKeyPem);
  });

  test('an offline verifier learns up to which seq the console vouches, and which signatures are bad', () => {
    const rows = [1, 2, 3, 4, 5, 6].map((seq) => ({ seq, hash: H(seq), signature: null as string | null }));
    rows[1]!.signature = signHead(key.privateKeyPem, 'poste-1', 2, H(2));
    rows[3]!.signature = signHead(key.privateKeyPem, 'poste-1', 4, H(4));
    rows[5]!.signature = signHead(newSigningKey().privateKeyPem, 'poste-1', 6, H(6));
    expect(checkSignatures('poste-1', rows, key.publicKeyPem)).toEqual({ signedUpTo: 4, bad: [6] });
  });
});
