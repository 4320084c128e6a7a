import { describe, expect, it } from 'vitest';
import { decodeBase64Lenient } from '../src/base64.js';
import {
  type CreateUsernameTokenOptions,
  createUsernameToken,
  WSSE_AUTHORIZATION_HEADER,
} from '../src/create_username_token.js';
import { parseCreated } from '../src/parse_created.js';
import { parseWsseHeader } from '../src/parse_wsse_header.js';
import { passwordDigestAsync } from '../src/password_digest_async.js';
import { verifyPasswordDigest } from '../src/verify_password_digest.js';

const NOW = new Date('2026-11-22T09:15:30.789Z');
const now = () => NOW;

describe('createUsernameToken (C-2)', () => {
  it('builds a token whose header parses back and whose digest verifies', async () => {
    const { token, header } = await createUsernameToken({
      username: 'ak_1',
      secret: 'sëcret',
      now,
    });
    expect(token.username).toBe('ak_1');
    expect(token.created).toBe('2026-11-22T09:15:30Z');
    expect(decodeBase64Lenient(token.nonce)).toHaveLength(16);
    expect(parseWsseHeader(header)).toEqual({ ok: true, token });
    expect(parseCreated(token.created)).toBe(Date.parse('2026-11-22T09:15:30Z'));
    await expect(passwordDigestAsync(token.nonce, token.created, 'sëcret')).resolves.toBe(
      token.passwordDigest,
    );
    expect(
      verifyPasswordDigest(
        token.passwordDigest,
        decodeBase64Lenient(token.nonce),
        token.created,
        'sëcret',
      ),
    ).toBe(true);
    expect(header).not.toContain('sëcret');
  });

  it('uses a fresh nonce every time', async () => {
    const a = await createUsernameToken({ username: 'u', secret: 's', now });
    const b = await createUsernameToken({ username: 'u', secret: 's', now });
    expect(a.token.nonce).not.toBe(b.token.nonce);
    expect(a.token.passwordDigest).not.toBe(b.token.passwordDigest);
  });

  it('honours nonceBytes', async () => {
    const { token } = await createUsernameToken({ username: 'u', secret: 's', nonceBytes: 64 });
    expect(decodeBase64Lenient(token.nonce)).toHaveLength(64);
  });

  it('defaults the clock to the current time', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const { token } = await createUsernameToken({ username: 'u', secret: 's' });
    const created = parseCreated(token.created) ?? Number.NaN;
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(Date.now());
  });

  it.each([
    ['empty username', { username: '', secret: 's' }, TypeError],
    ['username with a quote', { username: 'a"b', secret: 's' }, TypeError],
    ['username with CRLF', { username: 'a\r\nb', secret: 's' }, TypeError],
    ['empty secret', { username: 'u', secret: '' }, TypeError],
    ['missing secret', { username: 'u' }, TypeError],
    ['clock not a function', { username: 'u', secret: 's', now: NOW }, TypeError],
    ['nonce too short', { username: 'u', secret: 's', nonceBytes: 4 }, RangeError],
    ['nonce too long', { username: 'u', secret: 's', nonceBytes: 129 }, RangeError],
    [
      'invalid clock value',
      { username: 'u', secret: 's', now: () => new Date(Number.NaN) },
      RangeError,
    ],
  ] as const)('rejects %s', async (_why, options, error) => {
    await expect(
      createUsernameToken(options as unknown as CreateUsernameTokenOptions),
    ).rejects.toThrow(error);
  });

  it('exports the companion Authorization header', () => {
    expect(WSSE_AUTHORIZATION_HEADER).toBe('WSSE profile="UsernameToken"');
  });
});
