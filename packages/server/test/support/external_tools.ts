import { execFileSync } from 'node:child_process';

/** True when `command` runs on this machine (`php`, `python3` …). */
export function hasCommand(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Says loudly that tests are skipped because a tool is missing, and fails instead when CI
 * demands every tool (`KEYGATE_REQUIRE_SERVICES=1`).
 */
export function requireOrSkip(tool: string, available: boolean): boolean {
  if (available) return true;
  const message = `\n!!! ${tool} is not available on this machine: its tests are SKIPPED !!!\n`;
  if (process.env.KEYGATE_REQUIRE_SERVICES === '1') {
    throw new Error(`${tool} is required (KEYGATE_REQUIRE_SERVICES=1) but not available`);
  }
  process.stderr.write(message);
  return false;
}
