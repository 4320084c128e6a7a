import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds the project's `shared/` folder (SPEC, vectors, vendor seeds), which sits beside the
 * repository checkout: walks up from this file until a `shared/vectors/wsse.json` appears.
 */
export function sharedDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'shared');
    if (existsSync(join(candidate, 'vectors', 'wsse.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('shared/vectors/wsse.json not found above the repository');
    dir = parent;
  }
}

/** A known-answer vector from `shared/vectors/wsse.json`. */
export interface WsseVector {
  readonly name: string;
  readonly username: string;
  readonly secret: string;
  readonly nonce: string;
  readonly created: string;
  readonly created_unix?: number;
  readonly password_digest: string;
  readonly x_wsse?: string;
  readonly expect?: string;
}

/** The WSSE vectors, valid and invalid. */
export function loadWsseVectors(): { valid: WsseVector[]; invalid: WsseVector[] } {
  return JSON.parse(readFileSync(join(sharedDir(), 'vectors', 'wsse.json'), 'utf8'));
}
