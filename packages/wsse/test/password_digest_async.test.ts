import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passwordDigestAsync } from '../src/password_digest_async.js';

describe('passwordDigestAsync (W-2)', () => {
  it('matches the npm wsse README example (nonce base64 of its hex text)', async () => {
    // npm wsse hashes the literal nonce text; base64 of that text decodes back to it.
    const nonce = Buffer.from('d36e316282959a9ed4c89851497a717f').toString('base64');
    await expect(
      passwordDigestAsync(nonce, '2003-12-15T14:43:07Z', 'taadtaadpstcsm'),
    ).resolves.toBe('quR/EWLAV4xLf9Zqyw4pDmfV9OY=');
  });

  it('decodes the nonce leniently before hashing', async () => {
    const clean = await passwordDigestAsync('QUJD', 'c', 's');
    await expect(passwordDigestAsync('Q U=J-D', 'c', 's')).resolves.toBe(clean);
    await expect(passwordDigestAsync('QUJE', 'c', 's')).resolves.not.toBe(clean);
  });

  it('equals base64(sha1(...)) from node:crypto for any inputs', async () => {
    const unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 64 }),
        fc.string({ unit, maxLength: 40 }),
        fc.string({ unit, maxLength: 40 }),
        async (nonceBytes, created, secret) => {
          const nonce = Buffer.from(nonceBytes).toString('base64');
          const want = createHash('sha1')
            .update(Buffer.concat([nonceBytes, Buffer.from(created), Buffer.from(secret)]))
            .digest('base64');
          await expect(passwordDigestAsync(nonce, created, secret)).resolves.toBe(want);
        },
      ),
      { numRuns: 500 },
    );
  });
});
