import { createHmac, createPrivateKey, type JsonWebKey, type KeyObject, sign } from 'node:crypto';
import type { MasterKeyring } from '../../src/secrets/master_keyring.js';
import type { Store } from '../../src/store/port.js';

/**
 * Hand-made compact JWTs for attack tests: any header, any claims, any algorithm, with no
 * library second-guessing the header (jose, for one, would refuse some of these headers).
 */

type Json = Readonly<Record<string, unknown>>;

/** base64url(JSON) of a header or claims set. */
export function encodeSegment(value: Json): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The header and claims of a compact JWT, without verifying anything. */
export function decodeJwt(token: string): { header: Json; payload: Json } {
  const [header = '', payload = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Json,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Json,
  };
}

function signingInput(header: Json, payload: Json): string {
  return `${encodeSegment(header)}.${encodeSegment(payload)}`;
}

/** An ES256 JWS (IEEE P1363 `r ‖ s` signature, RFC 7518 §3.4) made with `privateKey`. */
export function signEs256(header: Json, payload: Json, privateKey: KeyObject): string {
  const input = signingInput(header, payload);
  const signature = sign('sha256', Buffer.from(input), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
}

/** An HS256 JWS keyed with `secret` (the algorithm-confusion attack). */
export function signHs256(header: Json, payload: Json, secret: Buffer | string): string {
  const input = signingInput(header, payload);
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** An unsecured JWS (`alg: none`): empty signature part. */
export function unsigned(header: Json, payload: Json): string {
  return `${signingInput(header, payload)}.`;
}

/**
 * Opens keygate's own private signing key (by `kid`, default the newest) from the test
 * server's store and keyring, so tests can produce correctly signed tokens with bad headers
 * or claims.
 */
export async function keygatePrivateKey(
  server: { readonly store: Store; readonly secrets: MasterKeyring },
  kid?: string,
): Promise<{ kid: string; privateKey: KeyObject }> {
  const records = await server.store.signingKeys.list();
  const record = kid === undefined ? records.at(-1) : records.find((r) => r.kid === kid);
  if (!record) throw new Error(`no signing key ${kid ?? ''} in the store`);
  const jwk = JSON.parse(server.secrets.open(record.privateJwkSealed, record.kid)) as JsonWebKey;
  return { kid: record.kid, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) };
}
