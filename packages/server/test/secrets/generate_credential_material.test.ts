import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy } from '../../src/core/passwords/check_password_policy.js';
import {
  generateApiKey,
  generateClientId,
  generateId,
  generatePassword,
  generateSecret,
} from '../../src/secrets/generate_credential_material.js';

function distinct(make: () => string, count = 200): number {
  return new Set(Array.from({ length: count }, make)).size;
}

describe('credential material', () => {
  it('makes API keys of 32 lowercase hex characters (128 bits), all different', () => {
    expect(generateApiKey()).toMatch(/^[0-9a-f]{32}$/);
    expect(distinct(generateApiKey)).toBe(200);
  });

  it('makes API secrets of 32 random bytes as unpadded base64url', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(distinct(generateSecret)).toBe(200);
  });

  it('makes OAuth client ids of 32 lowercase hex characters, never starting with "-" (a CLI argument)', () => {
    expect(generateClientId()).toMatch(/^[0-9a-f]{32}$/);
    expect(distinct(generateClientId)).toBe(200);
  });

  it('makes version 4 UUIDs as ids', () => {
    expect(generateId()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(distinct(generateId)).toBe(200);
  });

  it('makes passwords of at least 128 random bits that pass the password policy', () => {
    const password = generatePassword();
    expect(password).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(password, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(checkPasswordPolicy(password)).toEqual({ ok: true });
    expect(distinct(generatePassword)).toBe(200);
  });
});
