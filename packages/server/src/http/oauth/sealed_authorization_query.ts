import type { Sealer } from '../../core/sealer.js';

const REQUEST_AAD = 'keygate authorization request';

/** Seals the raw authorization query so the forms can carry it without it being altered. */
export function sealAuthorizationQuery(sealer: Sealer, query: string): string {
  return sealer.seal(query, REQUEST_AAD);
}

/** Opens a sealed authorization query; null when it was tampered with. */
export function openAuthorizationQuery(sealer: Sealer, sealed: string | undefined): string | null {
  if (!sealed) return null;
  try {
    return sealer.open(sealed, REQUEST_AAD);
  } catch {
    return null;
  }
}
