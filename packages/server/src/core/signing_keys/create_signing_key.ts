import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { SigningKeyRecord } from '../../store/port.js';
import { unixSeconds } from '../clock.js';
import { toPublicJwk } from './public_jwk.js';
import type { SigningKeyDeps } from './signing_key_deps.js';

/** When a new key starts signing. */
export interface CreateSigningKeyOptions {
  /** Unix seconds; the key is published from now and signs from this moment. */
  readonly activatesAt: number;
}

/**
 * Generates an ES256 key pair and stores it (O-11): the public JWK as plain JSON (only
 * `kty`, `crv`, `x`, `y`), the private JWK sealed by the master keyring with the `kid` as
 * associated data, so a sealed key copied to another row does not open. The `kid` is the
 * RFC 7638 SHA-256 thumbprint of the public key: stable, derived from the key, and checked
 * again when the key is loaded. Returns the stored record. Does not retire anything (see
 * `rotateSigningKeys`).
 */
export async function createSigningKey(
  deps: SigningKeyDeps,
  { activatesAt }: CreateSigningKeyOptions,
): Promise<SigningKeyRecord> {
  if (!Number.isSafeInteger(activatesAt)) {
    throw new TypeError('activatesAt must be an integer number of unix seconds');
  }
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const publicJwk = toPublicJwk(privateJwk);
  if (publicJwk === null) throw new Error('generated key is not an ES256 key');
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const { kty, crv, x, y, d } = privateJwk;
  const record: SigningKeyRecord = {
    kid,
    alg: 'ES256',
    publicJwk: JSON.stringify(publicJwk),
    privateJwkSealed: deps.secrets.seal(JSON.stringify({ kty, crv, x, y, d }), kid),
    createdAt: unixSeconds(deps.now()),
    activatesAt,
    retiredAt: null,
  };
  await deps.store.signingKeys.create(record);
  return record;
}
