import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MasterKeyring } from '../../src/secrets/master_keyring.js';
import { SecretUnsealError } from '../../src/secrets/secret_unseal_error.js';

const ID = '7f9c2ba4-e88f-4a3c-9a4b-1a2b3c4d5e6f';
const SECRET = 'zW6u1X3q_9kVt0sY2bN4mL8pR5cD7fG1hJ3kA6sE9wQ';

function key(): Buffer {
  return randomBytes(32);
}

function unsealError(run: () => unknown): SecretUnsealError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretUnsealError);
    return error as SecretUnsealError;
  }
  throw new Error('expected open to throw');
}

/** Replaces one base64url part of a sealed string with the same bytes, one bit flipped. */
function flipBit(sealed: string, part: 2 | 3 | 4): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('MasterKeyring', () => {
  it('round-trips any Unicode text bound to its associated data', () => {
    const keyring = new MasterKeyring([key()]);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (text, aad) => {
        expect(keyring.open(keyring.seal(text, aad), aad)).toBe(text);
      }),
      { numRuns: 200 },
    );
    const unicode = 'pässwörd 🔑 密钥 \u0000 e\u0301';
    expect(keyring.open(keyring.seal(unicode, ID), ID)).toBe(unicode);
    expect(keyring.open(keyring.seal('', ID), ID)).toBe('');
  });

  it('writes v1.<kid>.<iv>.<ciphertext>.<tag> with a fresh IV each time', () => {
    const keyring = new MasterKeyring([key()]);
    const a = keyring.seal(SECRET, ID);
    const b = keyring.seal(SECRET, ID);
    expect(a).toMatch(/^v1\.[0-9a-f]{16}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(a.split('.')[1]).toBe(keyring.primaryKeyId);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect(a).not.toContain(SECRET);
  });

  it('refuses a ciphertext moved to another row (different associated data)', () => {
    const keyring = new MasterKeyring([key()]);
    const sealed = keyring.seal(SECRET, ID);
    const error = unsealError(() => keyring.open(sealed, 'another-credential-id'));
    expect(error.reason).toBe('authentication_failed');
    expect(error.code).toBe(SecretUnsealError.code);
  });

  it.each([
    [2, 'iv'],
    [3, 'ciphertext'],
    [4, 'tag'],
  ] as const)('refuses a sealed secret whose part %s (%s) was altered', (part, _name) => {
    const keyring = new MasterKeyring([key()]);
    const tampered = flipBit(keyring.seal(SECRET, ID), part);
    expect(unsealError(() => keyring.open(tampered, ID)).reason).toBe('authentication_failed');
  });

  it('refuses a sealed secret from a key it does not hold', () => {
    const other = new MasterKeyring([key()]);
    const keyring = new MasterKeyring([key()]);
    const error = unsealError(() => keyring.open(other.seal(SECRET, ID), ID));
    expect(error.reason).toBe('unknown_key');
  });

  it('refuses a forged kid pointing at a held key', () => {
    const first = key();
    const second = key();
    const keyring = new MasterKeyring([first, second]);
    const sealedBySecond = new MasterKeyring([second]).seal(SECRET, ID);
    const parts = sealedBySecond.split('.');
    parts[1] = keyring.primaryKeyId;
    expect(unsealError(() => keyring.open(parts.join('.'), ID)).reason).toBe(
      'authentication_failed',
    );
  });

  it.each([
    '',
    'not sealed',
    'v2.0011223344556677.AAAAAAAAAAAAAAAA..AAAAAAAAAAAAAAAAAAAAAA',
    'v1.0011223344556677.AAAA..AAAAAAAAAAAAAAAAAAAAAA',
    'v1.0011223344556677.AAAAAAAAAAAAAAAA..AAAA',
    'v1.0011223344556677.AAAAAAAAAAAAAAAA.a+b/.AAAAAAAAAAAAAAAAAAAAAA',
    'v1.0011223344556677.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA',
    'v1.0011223344556677.AAAAAAAAAAAAAAAA..AAAAAAAAAAAAAAAAAAAAAA.extra',
    'v1.00112233445566ZZ.AAAAAAAAAAAAAAAA..AAAAAAAAAAAAAAAAAAAAAA',
  ])('refuses malformed input %j', (sealed) => {
    const keyring = new MasterKeyring([key()]);
    expect(unsealError(() => keyring.open(sealed, ID)).reason).toBe('malformed');
  });

  it('refuses a non-canonical base64url spelling of a valid part', () => {
    const keyring = new MasterKeyring([key()]);
    const parts = keyring.seal(SECRET, ID).split('.');
    // 16-byte tag = 22 chars with 4 unused low bits in the last one; set one of them.
    const tag = parts[4] ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(tag.at(-1) ?? 'A');
    parts[4] = tag.slice(0, -1) + alphabet[last ^ 0x01];
    expect(Buffer.from(parts[4], 'base64url').equals(Buffer.from(tag, 'base64url'))).toBe(true);
    expect(unsealError(() => keyring.open(parts.join('.'), ID)).reason).toBe('malformed');
  });

  it('opens secrets sealed by any of its keys and flags the old ones for resealing', () => {
    const oldKey = key();
    const newKey = key();
    const before = new MasterKeyring([oldKey]);
    const sealedOld = before.seal('old secret', ID);
    const both = new MasterKeyring([newKey, oldKey]);
    const sealedNew = both.seal('new secret', ID);

    expect(both.open(sealedOld, ID)).toBe('old secret');
    expect(both.open(sealedNew, ID)).toBe('new secret');
    expect(both.keyIds).toEqual([both.primaryKeyId, before.primaryKeyId]);
    expect(both.needsReseal(sealedOld)).toBe(true);
    expect(both.needsReseal(sealedNew)).toBe(false);
    expect(both.needsReseal('garbage')).toBe(true);
    expect(sealedNew.split('.')[1]).toBe(new MasterKeyring([newKey]).primaryKeyId);
  });

  it('derives the same key id for the same key, a different one for another key', () => {
    const k = key();
    expect(new MasterKeyring([k]).primaryKeyId).toBe(
      new MasterKeyring([Buffer.from(k)]).primaryKeyId,
    );
    expect(new MasterKeyring([k]).primaryKeyId).not.toBe(new MasterKeyring([key()]).primaryKeyId);
    // The id is a hash, not a prefix of the key.
    expect(new MasterKeyring([k]).primaryKeyId).not.toBe(k.subarray(0, 8).toString('hex'));
  });

  it('never shows plaintext, associated data or key material in errors or when inspected', () => {
    const k = key();
    const keyring = new MasterKeyring([k]);
    const sealed = keyring.seal(SECRET, ID);
    const errors = [
      unsealError(() => keyring.open(sealed, 'wrong-id')),
      unsealError(() => keyring.open(flipBit(sealed, 3), ID)),
      unsealError(() => keyring.open(`${sealed}x`, ID)),
      unsealError(() => new MasterKeyring([key()]).open(sealed, ID)),
    ];
    const forms = [k.toString('hex'), k.toString('base64'), k.toString('base64url')];
    for (const error of errors) {
      const text = `${error.message} ${error.stack ?? ''} ${inspect(error)} ${JSON.stringify(error)}`;
      for (const secret of [SECRET, ID, 'wrong-id', sealed, ...forms]) {
        expect(text).not.toContain(secret);
      }
      expect(error.message).toBe(errors[0]?.message);
    }
    const shown = `${inspect(keyring, { showHidden: true, depth: 5 })} ${JSON.stringify(keyring)}`;
    for (const form of forms) expect(shown).not.toContain(form);
  });

  it('keeps its own copy of the keys', () => {
    const k = key();
    const keyring = new MasterKeyring([k]);
    const sealed = keyring.seal(SECRET, ID);
    k.fill(0);
    expect(keyring.open(sealed, ID)).toBe(SECRET);
  });

  it('rejects misuse with TypeError', () => {
    const k = key();
    expect(() => new MasterKeyring([])).toThrow(TypeError);
    expect(() => new MasterKeyring([randomBytes(16)])).toThrow(TypeError);
    expect(() => new MasterKeyring([k, Buffer.from(k)])).toThrow(TypeError);
    const keyring = new MasterKeyring([k]);
    expect(() => keyring.seal('\ud800', ID)).toThrow(TypeError);
    expect(() => keyring.seal(SECRET, 'id\udc00')).toThrow(TypeError);
  });
});
