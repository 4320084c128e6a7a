import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./fixtures/load_master_keys_child.ts', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');
const CHILDREN = 4;

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keygate-master-key-race-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

it('lets exactly one of several processes starting at once create the key file', async () => {
  const dataDir = join(root, 'data');
  const readyDir = join(root, 'ready');
  const startFile = join(root, 'go');
  await mkdir(readyDir);
  const processes = Array.from({ length: CHILDREN }, () =>
    run(process.execPath, ['--import', tsx, child, dataDir, readyDir, startFile]),
  );
  // Release the children together once all are loaded, so their key loads overlap.
  while ((await readdir(readyDir)).length < CHILDREN) await sleep(5);
  await writeFile(startFile, '');
  const results = (await Promise.all(processes)).map(
    ({ stdout }) => JSON.parse(stdout) as { primaryKeyId: string; created: boolean },
  );

  expect(new Set(results.map((r) => r.primaryKeyId)).size).toBe(1);
  expect(results.filter((r) => r.created)).toHaveLength(1);
  expect(await readdir(dataDir)).toEqual(['master.key']);
});
