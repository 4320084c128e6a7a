import { createHash } from 'node:crypto';

/**
 * The replay-store key for a nonce (W-6): sha256(credential id ‖ decoded nonce), hex.
 * Scoped per credential, shared by the X-WSSE check and the api_keys grant, and fixed-length
 * whatever the nonce size.
 */
export function replayKey(credentialId: string, nonceBytes: Uint8Array): string {
  return createHash('sha256').update(credentialId).update(nonceBytes).digest('hex');
}
