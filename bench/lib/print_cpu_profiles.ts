import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatProfileSummary, summarizeCpuProfile } from './summarize_cpu_profile.js';

/** Where one server wrote its profiles, and its name in the report. */
export interface ProfileSource {
  /** E.g. `keygate`, `keygate#2`. */
  readonly label: string;
  /** Its `--cpu-prof-dir`. */
  readonly dir: string;
}

/** Main-thread profiles only: `CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile`, thread 0. */
async function listProfiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter((name) => /\.\d+\.0\.\d+\.cpuprofile$/.test(name))
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

/**
 * Prints a summary of every main-thread CPU profile of `sources` to stdout, in order. Profiles
 * are written when the servers exit: stop them first. A missing directory prints nothing.
 */
export async function printCpuProfiles(sources: readonly ProfileSource[]): Promise<void> {
  for (const { label, dir } of sources) {
    for (const file of await listProfiles(dir)) {
      const summary = summarizeCpuProfile(JSON.parse(await readFile(file, 'utf8')));
      process.stdout.write(
        `\nCPU profile of ${label}: ${file}\n${formatProfileSummary(summary, 15)}\n`,
      );
    }
  }
}
