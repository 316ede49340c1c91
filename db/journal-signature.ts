/**
 * Signed journal batches: each console holds an Ed25519 key pair (private key in its secret
 * store) and signs the last entry of every batch it sends. The entries are hash-chained, so a
 * signature on entry n vouches for entries 1..n: a stolen bearer token alone cannot append
 * forgeries. Shared by the console, the central server and offline verifiers.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';

/** What is signed: the console, the seq and the hash of the batch's last entry, under a fixed label. */
export function signedMessage(consoleId: string, seq: number, hash: string): Buffer {
  return Buffer.from(`csu-journal-v1\n${consoleId}\n${seq}\n${hash}`, 'utf8');
}

export function newSigningKey(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
}

/** base64 of the 64-byte Ed25519 signature. */
export function signHead(privateKeyPem: string, consoleId: string, seq: number, hash: string): string {
  return sign(null, signedMessage(consoleId, seq, hash), privateKeyPem).toString('base64');
}

/** False for a malformed key or signature too: never throws on hostile input. */
export function verifyHead(publicKeyPem: string, consoleId: string, seq: number, hash: string, signature: string): boolean {
  try {
    const sig = Buffer.from(signature, 'base64');
    if (sig.length !== 64) return false;
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, signedMessage(consoleId, seq, hash), key, sig);
  } catch {
    return false;
  }
}

/** A public key as received from a console: an Ed25519 SPKI PEM, or undefined. */
export function parsePublicKey(pem: string): string | undefined {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? key.export({ type: 'spki', format: 'pem' }).toString() : undefined;
  } catch {
    return undefined;
  }
}

/** SHA-256 of the key's DER SubjectPublicKeyInfo, hex: what a person compares between the server and a bundle. */
export function keyFingerprint(pem: string): string {
  return createHash('sha256')
    .update(createPublicKey(pem).export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/**
 * For an offline verifier given a console's public key: checks every signature kept on the
 * server's copy (rows in seq order, already chain-verified) and says up to which seq the chain is
 * vouched for by the console's key. Entries after the last valid signature are unsigned (or forged).
 */
export function checkSignatures(consoleId: string, rows: { seq: number; hash: string; signature: string | null }[], publicKeyPem: string): { signedUpTo: number; bad: number[] } {
  let signedUpTo = 0;
  const bad: number[] = [];
  for (const r of rows) {
    if (r.signature === null) continue;
    if (verifyHead(publicKeyPem, consoleId, r.seq, r.hash, r.signature)) signedUpTo = r.seq;
    else bad.push(r.seq);
  }
  return { signedUpTo, bad };
}

/**
 * A publication of the shared catalogue (issue G2): the console, the matricule publishing and the
 * catalogue's SHA-256, under its own label, so a journal signature can never pass for one.
 */
export function catalogueMessage(consoleId: string, publishedBy: string, sha256: string): Buffer {
  return Buffer.from(`csu-catalogue-v1\n${consoleId}\n${publishedBy}\n${sha256}`, 'utf8');
}

export function signCatalogue(privateKeyPem: string, consoleId: string, publishedBy: string, sha256: string): string {
  return sign(null, catalogueMessage(consoleId, publishedBy, sha256), privateKeyPem).toString('base64');
}

/** False for a malformed key or signature too: never throws on hostile input. */
export function verifyCatalogue(publicKeyPem: string, consoleId: string, publishedBy: string, sha256: string, signature: string): boolean {
  try {
    const sig = Buffer.from(signature, 'base64');
    if (sig.length !== 64) return false;
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, catalogueMessage(consoleId, publishedBy, sha256), key, sig);
  } catch {
    return false;
  }
}
