/** The closed set of WSSE failure codes (W-10); tests assert these, not wording. */
export type WsseFailureCode =
  | 'malformed_header'
  | 'created_malformed'
  | 'created_in_future'
  | 'expired'
  | 'nonce_replayed'
  | 'invalid_credentials'
  | 'credential_disabled';

/** Why a UsernameToken was refused: a code and a description that says what to fix. */
export interface WsseFailure {
  readonly ok: false;
  readonly code: WsseFailureCode;
  /** Safe to send to the client: never contains the digest or any secret. */
  readonly description: string;
}

/** Builds a failure value (failures are values, not exceptions: they are the common case). */
export function wsseFailure(code: WsseFailureCode, description: string): WsseFailure {
  return { ok: false, code, description };
}
