import { describe, expect, it } from 'vitest';
import { decodeBase64Lenient } from '../src/base64.js';
import type { CreateUsernameTokenOptions } from '../src/create_username_token.js';
import { createUsernameTokenSync } from '../src/create_username_token_sync.js';
import { parseWsseHeader } from '../src/parse_wsse_header.js';
import { passwordDigestAsync } from '../src/password_digest_async.js';
import { verifyPasswordDigest } from '../src/verify_password_digest.js';

const now = () => new Date('2026-11-22T09:15:30.999Z');

describe('createUsernameTokenSync', () => {
  it('builds the same kind of token as the async builder, synchronously', async () => {
    const result = createUsernameTokenSync({ username: 'admin', secret: 'k€y', now });
    expect(result).not.toBeInstanceOf(Promise);
    const { token, header } = result;
    expect(token.created).toBe('2026-11-22T09:15:30Z');
    expect(decodeBase64Lenient(token.nonce)).toHaveLength(16);
    expect(parseWsseHeader(header)).toEqual({ ok: true, token });
    await expect(passwordDigestAsync(token.nonce, token.created, 'k€y')).resolves.toBe(
      token.passwordDigest,
    );
    expect(
      verifyPasswordDigest(
        token.passwordDigest,
        decodeBase64Lenient(token.nonce),
        token.created,
        'k€y',
      ),
    ).toBe(true);
  });

  it('uses a fresh nonce every time and honours nonceBytes', () => {
    const a = createUsernameTokenSync({ username: 'u', secret: 's', now, nonceBytes: 8 });
    const b = createUsernameTokenSync({ username: 'u', secret: 's', now, nonceBytes: 8 });
    expect(a.token.nonce).not.toBe(b.token.nonce);
    expect(decodeBase64Lenient(a.token.nonce)).toHaveLength(8);
  });

  it.each([
    ['empty username', { username: '', secret: 's' }, TypeError],
    ['username with a quote', { username: 'a"b', secret: 's' }, TypeError],
    ['empty secret', { username: 'u', secret: '' }, TypeError],
    ['nonce too short', { username: 'u', secret: 's', nonceBytes: 7 }, RangeError],
    ['fractional nonce size', { username: 'u', secret: 's', nonceBytes: 16.5 }, RangeError],
    [
      'invalid clock value',
      { username: 'u', secret: 's', now: () => new Date(Number.NaN) },
      RangeError,
    ],
  ] as const)('throws for %s', (_why, options, error) => {
    expect(() => createUsernameTokenSync(options as unknown as CreateUsernameTokenOptions)).toThrow(
      error,
    );
  });
});
