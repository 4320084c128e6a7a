import type { SigningKeyRecord } from '../../store/port.js';
import { unixSeconds } from '../clock.js';
import type { SigningKeyDeps } from './signing_key_deps.js';
import {
  compareSigningKeys,
  type SigningKeyStatus,
  signingKeyStatus,
} from './signing_key_status.js';

/** What may be shown about a signing key: never its private part, sealed or not. */
export interface SigningKeyView {
  readonly kid: string;
  readonly alg: 'ES256';
  readonly status: SigningKeyStatus;
  /** Unix seconds: stored and published. */
  readonly createdAt: number;
  /** Unix seconds: signs from then (until a newer key activates). */
  readonly activatesAt: number;
  /** Unix seconds: when a newer key took or takes over; null while none is scheduled. */
  readonly retiredAt: number | null;
}

/** Describes `record` (one of `all`) at `nowSeconds`, without any key material. */
export function toSigningKeyView(
  record: SigningKeyRecord,
  all: readonly SigningKeyRecord[],
  nowSeconds: number,
): SigningKeyView {
  return {
    kid: record.kid,
    alg: record.alg,
    status: signingKeyStatus(record, all, nowSeconds),
    createdAt: record.createdAt,
    activatesAt: record.activatesAt,
    retiredAt: record.retiredAt,
  };
}

/**
 * Every stored signing key with its status now (`keygate keys list`), in signing order:
 * oldest first, the last pending key last. Never returns key material.
 */
export async function listSigningKeys(
  deps: Pick<SigningKeyDeps, 'store' | 'now'>,
): Promise<SigningKeyView[]> {
  const now = unixSeconds(deps.now());
  const records = [...(await deps.store.signingKeys.list())].sort(compareSigningKeys);
  return records.map((record) => toSigningKeyView(record, records, now));
}
