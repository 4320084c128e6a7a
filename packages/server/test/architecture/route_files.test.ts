import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const HTTP = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/http');

/**
 * One rule for where routes live: a module that registers routes is named `*_routes.ts`,
 * exports `register…Routes`, and sits in the folder of the surface it serves (`oauth/`,
 * `legacy/`, `api/`, `forward_auth/`) or at `http/` for app-wide routes (health).
 */
const files = readdirSync(HTTP, { recursive: true, encoding: 'utf8' }).filter((file) =>
  file.endsWith('.ts'),
);

it('every module that registers routes is a *_routes.ts exporting register…Routes', () => {
  const registering = files.filter((file) =>
    /\b(app|api|pages)\.(get|post|put|patch|delete|route|all)\(/.test(
      readFileSync(join(HTTP, file), 'utf8'),
    ),
  );
  expect(registering.length).toBeGreaterThan(5);
  for (const file of registering) {
    expect(file, 'file name').toMatch(/^((oauth|legacy|api|forward_auth)\/)?[a-z_]+_routes\.ts$/);
    const registers = [
      ...readFileSync(join(HTTP, file), 'utf8').matchAll(/export function (register\w*)\(/g),
    ].map((m) => m[1]);
    expect(registers.length, file).toBeGreaterThan(0);
    for (const name of registers) expect(name, file).toMatch(/^register\w+Routes$/);
  }
});

it('no module outside a *_routes.ts registers routes', () => {
  for (const file of files.filter((f) => !f.endsWith('_routes.ts'))) {
    const text = readFileSync(join(HTTP, file), 'utf8');
    expect(/export function register\w*Routes?\(/.test(text), file).toBe(false);
  }
});
