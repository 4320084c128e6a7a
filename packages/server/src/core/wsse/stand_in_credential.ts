import type { CredentialRecord } from '../../store/port.js';
import type { Sealer } from '../sealer.js';

const STAND_IN_ID = 'keygate-stand-in-credential';
/** No real user has this id (ids are random), so listing or loading it finds nothing. */
export const STAND_IN_USER_ID = 'keygate-stand-in-user';
const STAND_IN_ORGANIZATION_ID = 'keygate-stand-in-organization';
const STAND_IN_SECRET = 'keygate-stand-in-secret-for-unknown-usernames-00000';

const sealedFor = new WeakMap<Sealer, CredentialRecord>();

/**
 * The credential WSSE verification works through when a Username matches nothing (W-7): an
 * unknown key or login then costs the same store reads, AES-GCM open and digest as a real
 * credential with a wrong digest, so its cost does not tell which Usernames exist. Its
 * secret is sealed under the caller's primary master key, once per keyring, so opening it
 * runs the whole authenticated decryption; it never authenticates (callers skip it when
 * matching) and its user and organization do not exist.
 * @param secrets - the keyring verification opens secrets with.
 */
export function standInCredential(secrets: Sealer): CredentialRecord {
  const known = sealedFor.get(secrets);
  if (known !== undefined) return known;
  const credential: CredentialRecord = {
    id: STAND_IN_ID,
    key: STAND_IN_ID,
    userId: STAND_IN_USER_ID,
    organizationId: STAND_IN_ORGANIZATION_ID,
    secretCiphertext: secrets.seal(STAND_IN_SECRET, STAND_IN_ID),
    status: 'active',
    createdAt: 0,
    secretSetAt: 0,
  };
  sealedFor.set(secrets, credential);
  return credential;
}
