import { readFileSync } from 'node:fs';

/** A `valid` entry of `vectors/wsse.json`: must verify with the server clock at `created_unix`. */
export interface ValidVector {
  readonly name: string;
  readonly username: string;
  readonly secret: string;
  readonly nonce: string;
  readonly created: string;
  readonly created_unix: number;
  readonly decoded_nonce_hex: string;
  readonly password_digest: string;
  readonly x_wsse: string;
}

/** An `invalid` entry: must never verify. */
export interface InvalidVector {
  readonly name: string;
  readonly username: string;
  readonly secret: string;
  readonly nonce: string;
  readonly created: string;
  readonly password_digest: string;
}

/** Both lists of `vectors/wsse.json`. */
export interface WsseVectors {
  readonly valid: readonly ValidVector[];
  readonly invalid: readonly InvalidVector[];
}

/**
 * The known-answer vectors, computed by PHP, Python and the npm `wsse` package and kept
 * byte-identical to the file they came in (data, not code: biome leaves the folder alone).
 */
export const VECTORS_FILE = new URL('./vectors/wsse.json', import.meta.url);

function field<T>(entry: Record<string, unknown>, key: string, type: 'string' | 'number'): T {
  const value = entry[key];
  if (typeof value !== type)
    throw new Error(`vector ${String(entry.name)}: ${key} is not a ${type}`);
  return value as T;
}

/** Reads and shape-checks the known-answer vectors (W-2). */
export function loadVectors(): WsseVectors {
  const raw = JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as {
    valid: Record<string, unknown>[];
    invalid: Record<string, unknown>[];
  };
  const common = (e: Record<string, unknown>) => ({
    name: field<string>(e, 'name', 'string'),
    username: field<string>(e, 'username', 'string'),
    secret: field<string>(e, 'secret', 'string'),
    nonce: field<string>(e, 'nonce', 'string'),
    created: field<string>(e, 'created', 'string'),
    password_digest: field<string>(e, 'password_digest', 'string'),
  });
  const valid = raw.valid.map((e) => ({
    ...common(e),
    created_unix: field<number>(e, 'created_unix', 'number'),
    decoded_nonce_hex: field<string>(e, 'decoded_nonce_hex', 'string'),
    x_wsse: field<string>(e, 'x_wsse', 'string'),
  }));
  const invalid = raw.invalid.map(common);
  if (valid.length === 0 || invalid.length === 0) throw new Error('vector file has no cases');
  return { valid, invalid };
}

/** Lower-case hex of bytes. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
