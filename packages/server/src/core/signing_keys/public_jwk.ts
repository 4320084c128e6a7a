import type { JWK } from 'jose';

/** An ES256 public key: the four RFC 7518 §6.2.1 members and nothing else. */
export interface Es256PublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
}

/** A key as published in the JWKS (O-11): public members, `kid`, `alg` and `use` only. */
export interface PublishedJwk extends Es256PublicJwk {
  readonly kid: string;
  readonly alg: 'ES256';
  readonly use: 'sig';
}

/** The JWKS document `{ keys: [...] }` (RFC 7517 §5). */
export interface PublishedJwks {
  readonly keys: readonly PublishedJwk[];
}

// A P-256 coordinate is 32 bytes: 43 base64url characters, no padding.
const COORDINATE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Copies only the public members of an ES256 JWK, by allow-list, so a private `d` (or any
 * other member) can never reach the store or the JWKS. Returns null unless `jwk` is an EC
 * P-256 key with well-formed coordinates.
 */
export function toPublicJwk(jwk: JWK | Record<string, unknown>): Es256PublicJwk | null {
  const { kty, crv, x, y } = jwk as Record<string, unknown>;
  if (kty !== 'EC' || crv !== 'P-256') return null;
  if (typeof x !== 'string' || typeof y !== 'string') return null;
  if (!COORDINATE.test(x) || !COORDINATE.test(y)) return null;
  return { kty, crv, x, y };
}
