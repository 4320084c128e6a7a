import type { CredentialBinding } from './credential_stamps.js';
import { isNonEmptyString } from './is_non_empty_string.js';

/** The `cid` and `cst` claims of a token made from an API credential; none when `binding` is null. */
export function credentialBindingClaims(binding: CredentialBinding | null): {
  readonly cid?: string;
  readonly cst?: string;
} {
  return binding === null ? {} : { cid: binding.id, cst: binding.stamp };
}

/**
 * Reads `cid` and `cst` from a verified payload: the binding when both are non-empty strings,
 * null when both are absent, `'invalid'` for anything else (one without the other, a number).
 */
export function readCredentialBinding(payload: {
  readonly cid?: unknown;
  readonly cst?: unknown;
}): CredentialBinding | null | 'invalid' {
  const { cid, cst } = payload;
  if (cid === undefined && cst === undefined) return null;
  if (!isNonEmptyString(cid) || !isNonEmptyString(cst)) return 'invalid';
  return { id: cid, stamp: cst };
}
