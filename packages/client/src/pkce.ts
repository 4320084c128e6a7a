import { calculatePKCECodeChallenge, generateRandomCodeVerifier } from 'oauth4webapi';

/** A PKCE pair (RFC 7636): the verifier stays with the client, the challenge goes to /authorize. */
export interface PkcePair {
  readonly codeVerifier: string;
  readonly codeChallenge: string;
  readonly codeChallengeMethod: 'S256';
}

/**
 * `BASE64URL(SHA256(ASCII(verifier)))`, RFC 7636 §4.2, computed by oauth4webapi. A verifier
 * outside RFC 7636 §4.1 (43-128 unreserved characters) is refused first, since the server
 * would refuse it at the exchange anyway.
 */
export async function codeChallengeS256(codeVerifier: string): Promise<string> {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(codeVerifier)) {
    throw new TypeError('codeChallengeS256: a code verifier is 43-128 unreserved characters');
  }
  return calculatePKCECodeChallenge(codeVerifier);
}

/**
 * Generates a fresh verifier (oauth4webapi's: 32 random bytes, 43 characters) and its S256
 * challenge.
 */
export async function generatePkce(): Promise<PkcePair> {
  const codeVerifier = generateRandomCodeVerifier();
  return {
    codeVerifier,
    codeChallenge: await codeChallengeS256(codeVerifier),
    codeChallengeMethod: 'S256',
  };
}
