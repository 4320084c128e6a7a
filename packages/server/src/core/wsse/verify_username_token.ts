import { createHash } from 'node:crypto';
import { decodeBase64Lenient, parseCreated, verifyPasswordDigest } from '@keygate/wsse/node';
import type { CredentialRecord, Store } from '../../store/port.js';
import { unixSeconds } from '../clock.js';
import type { WssePolicyConfig } from '../config/keygate_config.js';
import type { Principal } from '../principal.js';
import type { Sealer } from '../sealer.js';
import { checkCreatedWindow } from './check_created_window.js';
import type { ActiveCheck, CredentialCache } from './credential_cache.js';
import { STAND_IN_USER_ID, standInCredential } from './stand_in_credential.js';
import { type WsseFailure, wsseFailure } from './wsse_failure.js';

/** What verification needs from the rest of keygate. */
export interface WsseVerifierDeps {
  readonly store: Store;
  /** Opens credential secrets; seals the stand-in one (see `standInCredential`). */
  readonly secrets: Sealer;
  readonly policy: WssePolicyConfig;
  /** The clock, in epoch milliseconds (injected so tests freeze it). */
  readonly now: () => number;
  /**
   * Remembers credential lookups (record, opened secret, still-active checks) between
   * requests. Used only when the store has `dataVersion`, which keeps it correct across
   * processes; without either, every request reads the store.
   */
  readonly credentialCache?: CredentialCache<WssePrincipal>;
}

/** The four UsernameToken values, exactly as the client sent them. */
export interface UsernameTokenInput {
  readonly username: string;
  readonly passwordDigest: string;
  readonly nonce: string;
  readonly created: string;
}

/** Who may appear as Username: an API key (Penneo, the api_keys grant) or also a login (OroPlatform). */
export type UsernameStyle = 'key' | 'key_or_login';

/** A principal proven by WSSE: always a user acting in an organization. */
export type WssePrincipal = Principal & {
  readonly user: NonNullable<Principal['user']>;
  readonly organization: NonNullable<Principal['organization']>;
};

/** A verified UsernameToken. */
export interface WsseSuccess {
  readonly ok: true;
  readonly principal: WssePrincipal;
}

const DUMMY_SECRET = 'keygate-dummy-secret-for-unopenable-ciphertexts-000';

/**
 * A candidate credential; `active` is filled in when loaded for the cache, else after
 * consumption. `standIn` marks the stand-in worked through for a Username that matched nothing.
 */
interface Candidate {
  readonly credential: CredentialRecord;
  readonly secret: string | null;
  readonly active?: ActiveCheck<WssePrincipal>;
  readonly standIn?: true;
}

/**
 * Verifies a UsernameToken in the order of W-7: nonce shape → Created format and window →
 * credential lookup → digest in constant time → atomic nonce consumption → still active.
 * A wrong digest never consumes the nonce; an unknown Username does the same work (store
 * reads, secret open, digest: see `standInCredential`) and gets the same answer as a wrong
 * digest. Store failures propagate as exceptions
 * (`StoreUnavailableError`) so the caller fails closed.
 */
export async function verifyUsernameToken(
  deps: WsseVerifierDeps,
  token: UsernameTokenInput,
  style: UsernameStyle,
): Promise<WsseSuccess | WsseFailure> {
  const { policy } = deps;
  if (token.nonce.length > policy.nonceMaxLength) {
    return wsseFailure(
      'malformed_header',
      `Nonce is ${token.nonce.length} characters; at most ${policy.nonceMaxLength} are allowed.`,
    );
  }
  const nonceBytes = decodeBase64Lenient(token.nonce);
  if (nonceBytes.length < policy.nonceMinBytes || nonceBytes.length > policy.nonceMaxBytes) {
    return wsseFailure(
      'malformed_header',
      `Nonce decodes to ${nonceBytes.length} bytes; it must be base64 of ${policy.nonceMinBytes} to ${policy.nonceMaxBytes} random bytes.`,
    );
  }

  const createdMs = parseCreated(token.created);
  if (createdMs === null) {
    return wsseFailure(
      'created_malformed',
      'Created is not a recognised date; send ISO 8601 such as 2026-11-22T09:15:30Z (RFC 2822 is accepted too).',
    );
  }
  const nowMs = deps.now();
  const outsideWindow = checkCreatedWindow(createdMs, nowMs, policy);
  if (outsideWindow) return outsideWindow;

  const candidates = await loadCandidates(deps, token.username, style);
  const matched = matchDigest(candidates, token, nonceBytes);
  if (!matched) {
    return wsseFailure(
      'invalid_credentials',
      'Unknown Username or wrong PasswordDigest. The digest is base64(sha1(base64_decode(Nonce) + Created + secret)).',
    );
  }

  // Kept beyond the window by the clock-step margin: the record's expiry is counted on the
  // replay store's clock (Redis) or judged by this clock later on, and a wall-clock step
  // between the use and then must not let a still-fresh header through again (W-6).
  const ttl =
    policy.lifetimeSeconds < 0
      ? -1
      : policy.lifetimeSeconds + policy.futureSkewSeconds + policy.clockStepMarginSeconds;
  const fresh = await deps.store.nonces.consume(
    replayKey(matched.credential.id, nonceBytes),
    ttl,
    unixSeconds(nowMs),
  );
  if (!fresh) {
    return wsseFailure(
      'nonce_replayed',
      'This Nonce was already used with this credential; generate a new nonce and header for every request.',
    );
  }

  return matched.active ?? checkActive(deps.store, matched.credential);
}

/**
 * The candidates for `username`, from the cache when the store can tell it is current
 * (`dataVersion` unchanged), else from the store. The version is read before the store, so
 * what is cached is at least as new as the version it is filed under.
 */
async function loadCandidates(
  deps: WsseVerifierDeps,
  username: string,
  style: UsernameStyle,
): Promise<readonly Candidate[]> {
  const { store, credentialCache: cache } = deps;
  if (cache === undefined || store.dataVersion === undefined) {
    const found = await findCandidates(deps, username, style);
    return found.records.map((credential) => ({
      credential,
      secret: openSecret(deps.secrets, credential),
      ...(found.standIn && { standIn: true as const }),
    }));
  }
  const version = store.dataVersion();
  const lookup = `${style}\u0000${username}`;
  const cached = cache.get(version, lookup);
  if (cached !== undefined) return cached;
  const found = await findCandidates(deps, username, style);
  const loaded = await Promise.all(
    found.records.map(async (credential) => ({
      credential,
      secret: openSecret(deps.secrets, credential),
      active: await checkActive(store, credential),
      ...(found.standIn && { standIn: true as const }),
    })),
  );
  cache.set(version, lookup, loaded);
  return loaded;
}

/** What a lookup found: the Username's credentials, or the stand-in when it found none. */
interface FoundCandidates {
  readonly records: readonly CredentialRecord[];
  readonly standIn: boolean;
}

/**
 * The credentials `username` names. When it names none (unknown key or login, or a login
 * without usable keys), the stand-in credential, reached through the same store reads as a
 * login's keys would be, so what follows costs what it costs for a real one (W-7).
 */
async function findCandidates(
  deps: WsseVerifierDeps,
  username: string,
  style: UsernameStyle,
): Promise<FoundCandidates> {
  const { store } = deps;
  const byKey = await store.credentials.findByKey(username);
  if (byKey) return { records: [byKey], standIn: false };
  if (style === 'key_or_login') {
    const user = await store.users.findByLogin(username);
    const records = await store.credentials.listUsableForUser(user?.id ?? STAND_IN_USER_ID);
    if (user && records.length > 0) return { records, standIn: false };
  }
  return { records: [standInCredential(deps.secrets)], standIn: true };
}

function matchDigest(
  candidates: readonly Candidate[],
  token: UsernameTokenInput,
  nonceBytes: Uint8Array,
): Candidate | null {
  let matched: Candidate | null = null;
  // Every candidate is checked, so the work does not reveal which organization matched.
  for (const candidate of candidates) {
    const { secret } = candidate;
    const ok = verifyPasswordDigest(
      token.passwordDigest,
      nonceBytes,
      token.created,
      secret ?? DUMMY_SECRET,
    );
    if (ok && secret !== null && candidate.standIn !== true && matched === null) {
      matched = candidate;
    }
  }
  return matched;
}

function openSecret(secrets: Sealer, credential: CredentialRecord): string | null {
  try {
    return secrets.open(credential.secretCiphertext, credential.id);
  } catch {
    // A row whose ciphertext does not open (tampered, moved from another row, or sealed under
    // a key no longer configured) can never authenticate.
    return null;
  }
}

/** The still-active checks (last step of W-7): key, user, organization, membership. */
async function checkActive(
  store: Store,
  credential: CredentialRecord,
): Promise<ActiveCheck<WssePrincipal>> {
  const [user, organization, member] = await Promise.all([
    store.users.findById(credential.userId),
    store.organizations.findById(credential.organizationId),
    store.memberships.isMember(credential.userId, credential.organizationId),
  ]);
  if (credential.status !== 'active') {
    return wsseFailure('credential_disabled', `This API key is ${credential.status}.`);
  }
  if (!user || user.disabledAt !== null) {
    return wsseFailure('credential_disabled', 'The user this API key belongs to is disabled.');
  }
  if (!organization || organization.disabledAt !== null) {
    return wsseFailure('credential_disabled', "This API key's organization is disabled.");
  }
  if (!member) {
    return wsseFailure(
      'credential_disabled',
      "The user is no longer a member of this API key's organization.",
    );
  }
  return {
    ok: true,
    principal: {
      user: { id: user.id, login: user.login },
      organization: { id: organization.id, name: organization.name },
      credential: { id: credential.id, key: credential.key },
      scopes: [],
      scheme: 'wsse',
    },
  };
}

/**
 * The replay-store key for a nonce (W-6): sha256(credential id ‖ decoded nonce), hex.
 * Scoped per credential, shared by the X-WSSE check and the api_keys grant, and fixed-length
 * whatever the nonce size.
 */
function replayKey(credentialId: string, nonceBytes: Uint8Array): string {
  return createHash('sha256').update(credentialId).update(nonceBytes).digest('hex');
}
