import { describe, expect, it } from 'vitest';
import { digestInput } from '../src/digest_input.js';
import { hex } from './vectors.js';

describe('digestInput (W-2)', () => {
  it('is nonce bytes ‖ utf8(created) ‖ utf8(secret)', () => {
    const out = digestInput(new Uint8Array([0x00, 0xff, 0x80]), 'T1', 'sü');
    expect(hex(out)).toBe('00ff80' + '5431' + '73c3bc');
  });

  it('keeps Created exactly as sent, spaces and all', () => {
    const created = 'Sun, 22 Nov 2026 10:15:30 +0100';
    const out = digestInput(new Uint8Array(0), created, '');
    expect(new TextDecoder().decode(out)).toBe(created);
  });

  it('encodes a lone surrogate as U+FFFD, the same bytes node:crypto hashes', () => {
    expect(hex(digestInput(new Uint8Array(0), '\ud800', ''))).toBe('efbfbd');
  });

  it('copies only the view of a subarray nonce', () => {
    const nonce = new Uint8Array([9, 1, 2, 9]).subarray(1, 3);
    expect(hex(digestInput(nonce, '', ''))).toBe('0102');
  });

  it('returns a fresh buffer that does not alias the nonce', () => {
    const nonce = new Uint8Array([1, 2]);
    const out = digestInput(nonce, 'a', 'b');
    nonce[0] = 7;
    expect(out[0]).toBe(1);
  });
});
