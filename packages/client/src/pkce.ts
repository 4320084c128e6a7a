import { encodeBase64Url } from './base64url.js';
import { randomToken } from './random_token.js';

/** A PKCE pair (RFC 7636): the verifier stays with the client, the challenge goes to /authorize. */
export interface PkcePair {
  readonly codeVerifier: string;
  readonly codeChallenge: string;
  readonly codeChallengeMethod: 'S256';
}

/** `BASE64URL(SHA256(ASCII(verifier)))`, RFC 7636 §4.2, with WebCrypto. */
export async function codeChallengeS256(codeVerifier: string): Promise<string> {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(codeVerifier)) {
    throw new TypeError('codeChallengeS256: a code verifier is 43-128 unreserved characters');
  }
  const digest = await globalThis.crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(codeVerifier),
  );
  return encodeBase64Url(new Uint8Array(digest));
}

/** Generates a fresh verifier (32 random bytes, 43 characters) and its S256 challenge. */
export async function generatePkce(): Promise<PkcePair> {
  const codeVerifier = randomToken(32);
  return {
    codeVerifier,
    codeChallenge: await codeChallengeS256(codeVerifier),
    codeChallengeMethod: 'S256',
  };
}
