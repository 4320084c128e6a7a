import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../src/core/constant_time_equal.js';

describe('constantTimeEqual', () => {
  it('is true for the same string or the same bytes', () => {
    expect(constantTimeEqual('stamp-value', 'stamp-value')).toBe(true);
    expect(constantTimeEqual(Buffer.from('00ff', 'hex'), Buffer.from('00ff', 'hex'))).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('is false when the content differs, at the start or the end', () => {
    expect(constantTimeEqual('stamp-value', 'Stamp-value')).toBe(false);
    expect(constantTimeEqual('stamp-value', 'stamp-valuE')).toBe(false);
  });

  it('is false, without throwing, when the lengths differ', () => {
    expect(constantTimeEqual('stamp', 'stamp-value')).toBe(false);
    expect(constantTimeEqual('', 'x')).toBe(false);
    expect(constantTimeEqual(Buffer.from([0]), Buffer.from([0, 0]))).toBe(false);
  });

  it('compares a string by its UTF-8 bytes, so it equals the Buffer of them', () => {
    expect(constantTimeEqual('é', Buffer.from('c3a9', 'hex'))).toBe(true);
    expect(constantTimeEqual('é', Buffer.from('e9', 'hex'))).toBe(false);
  });
});
