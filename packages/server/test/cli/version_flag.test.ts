import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runClientProcess } from '../../../client/test/support/run_client_cli.js';
import { runKeygate } from '../support/keygate_process.js';

/** The version each package.json declares: what `--version` must print. */
function declaredVersion(packageDir: 'server' | 'client'): string {
  const file = new URL(`../../../${packageDir}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

describe('--version', () => {
  it.each(['--version', '-V'])('keygate %s prints the server package version', async (flag) => {
    const result = await runKeygate([flag]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`${declaredVersion('server')}\n`);
  });

  it.each(['--version', '-V'])(
    'keygate-client %s prints the client package version',
    async (flag) => {
      const result = await runClientProcess([flag]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toBe(`${declaredVersion('client')}\n`);
    },
  );
});
