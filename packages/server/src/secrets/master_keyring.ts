import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { MASTER_KEY_BYTES } from './parse_master_key.js';
import { SecretUnsealError } from './secret_unseal_error.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_LABEL = 'keygate master key id v1\0';
const KEY_ID = /^[0-9a-f]{16}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
// A lone UTF-16 surrogate would come back as U+FFFD, so seal would not round-trip.
const LONE_SURROGATE = /\p{Surrogate}/u;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The master keys that seal secrets at rest (W-9): one or more AES-256 keys, the first being
 * the primary that seals, every key able to open. A sealed secret is the compact string
 * `v1.<kid>.<iv>.<ciphertext>.<tag>` (base64url parts): AES-256-GCM with a fresh 12-byte IV
 * and the caller's associated data (for credentials, the credential id) bound in, so a
 * ciphertext copied to another row does not open there.
 *
 * The key id is the first 8 bytes (hex) of SHA-256 over a fixed label and the key: it picks
 * the key on open without revealing it. Keys are copied into `KeyObject`s held in private
 * fields, so they never show up in `console.log`, `util.inspect` or `JSON.stringify`.
 */
export class MasterKeyring {
  readonly #keys: ReadonlyMap<string, KeyObject>;
  readonly #primaryKeyId: string;

  /**
   * @param keys one or more 32-byte keys, primary first. Throws `TypeError` on an empty list,
   *   a key of the wrong length or the same key twice (caller misuse: `loadMasterKeys`
   *   validates operator input with clear messages before it gets here).
   */
  constructor(keys: readonly Uint8Array[]) {
    if (keys.length === 0) throw new TypeError('MasterKeyring needs at least one key');
    const map = new Map<string, KeyObject>();
    keys.forEach((key, index) => {
      if (!(key instanceof Uint8Array) || key.byteLength !== MASTER_KEY_BYTES) {
        throw new TypeError(`MasterKeyring key ${index + 1} must be ${MASTER_KEY_BYTES} bytes`);
      }
      const kid = masterKeyId(key);
      if (map.has(kid)) throw new TypeError(`MasterKeyring key ${index + 1} is listed twice`);
      map.set(kid, createSecretKey(Buffer.from(key)));
    });
    this.#keys = map;
    this.#primaryKeyId = map.keys().next().value as string;
  }

  /** Id of the key that seals. */
  get primaryKeyId(): string {
    return this.#primaryKeyId;
  }

  /** Ids of every loaded key, primary first. */
  get keyIds(): readonly string[] {
    return [...this.#keys.keys()];
  }

  /**
   * Encrypts `plaintext` under the primary key with `associatedData` authenticated alongside.
   * Both must be well-formed Unicode (`TypeError` otherwise), so `open` returns exactly what
   * was sealed.
   */
  seal(plaintext: string, associatedData: string): string {
    assertWellFormed(plaintext, 'plaintext');
    assertWellFormed(associatedData, 'associatedData');
    const key = this.#keys.get(this.#primaryKeyId) as KeyObject;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      this.#primaryKeyId,
      iv.toString('base64url'),
      ciphertext.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  }

  /**
   * Decrypts a string made by `seal` with the same associated data. Throws
   * `SecretUnsealError` on any failure: bad format, unknown key id, wrong associated data or
   * altered bytes.
   */
  open(sealed: string, associatedData: string): string {
    const parts = parseSealed(sealed);
    if (parts === null) throw new SecretUnsealError('malformed');
    const key = this.#keys.get(parts.kid);
    if (key === undefined) throw new SecretUnsealError('unknown_key');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, parts.iv, {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(parts.tag);
      const plaintext = Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
      return utf8.decode(plaintext);
    } catch {
      // Node's message carries nothing secret, but the reason is all a caller may act on.
      throw new SecretUnsealError('authentication_failed');
    }
  }

  /**
   * True when `sealed` was not sealed by the primary key (an older key, an unknown one, or
   * not a sealed string at all), i.e. when a rotation still has to re-seal it.
   */
  needsReseal(sealed: string): boolean {
    return parseSealed(sealed)?.kid !== this.#primaryKeyId;
  }
}

function masterKeyId(key: Uint8Array): string {
  return createHash('sha256')
    .update(KEY_ID_LABEL, 'utf8')
    .update(key)
    .digest()
    .subarray(0, 8)
    .toString('hex');
}

interface SealedParts {
  readonly kid: string;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

function parseSealed(sealed: string): SealedParts | null {
  if (typeof sealed !== 'string') return null;
  const parts = sealed.split('.');
  if (parts.length !== 5) return null;
  const [version, kid, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  if (version !== VERSION || !KEY_ID.test(kid)) return null;
  const ivBytes = decodeBase64url(iv);
  const ciphertextBytes = decodeBase64url(ciphertext);
  const tagBytes = decodeBase64url(tag);
  if (ivBytes === null || ciphertextBytes === null || tagBytes === null) return null;
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) return null;
  return { kid, iv: ivBytes, ciphertext: ciphertextBytes, tag: tagBytes };
}

function decodeBase64url(text: string): Buffer | null {
  if (!BASE64URL.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  // One spelling per byte string: the sealed form is not malleable in its encoding either.
  return bytes.toString('base64url') === text ? bytes : null;
}

function assertWellFormed(value: string, what: string): void {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  if (LONE_SURROGATE.test(value)) {
    throw new TypeError(`${what} must be well-formed Unicode (it contains a lone surrogate)`);
  }
}
