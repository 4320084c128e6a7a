import { afterEach, expect, it, vi } from 'vitest';

/** FIPS 180-2's example: SHA-256("abc"). */
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

it("hashes with Node's createHash where it can", async () => {
  const { tokenHash } = await import('../src/token_hash_cache.js');
  expect(await tokenHash('abc')).toBe(ABC);
});

it('falls back to WebCrypto where there is no node:crypto (browsers), with the same hash', async () => {
  vi.stubGlobal('process', { ...process, getBuiltinModule: undefined });
  vi.resetModules();
  const { tokenHash } = await import('../src/token_hash_cache.js');
  expect(await tokenHash('abc')).toBe(ABC);
  expect(await tokenHash('')).toBe(
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
});
