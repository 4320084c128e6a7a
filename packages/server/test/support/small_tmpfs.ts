import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small tmpfs mounted for one test, to fill up or turn read-only on purpose. */
export interface SmallTmpfs {
  readonly dir: string;
  /** Writes a filler file until the file system has no space left. */
  fill(): void;
  /** Removes the filler file again. */
  free(): void;
  /** Remounts read-only (`ro: true`) or read-write. */
  remount(options: { ro: boolean }): void;
  /** Unmounts and removes the mount point. */
  dispose(): Promise<void>;
}

/** True when this process may mount a tmpfs (root in a container that allows it). */
export function canMountTmpfs(): boolean {
  const probe = join(tmpdir(), `keygate-mount-probe-${process.pid}`);
  try {
    execFileSync('mkdir', ['-p', probe]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** Mounts a tmpfs of `sizeKib` KiB on a new temporary directory. */
export async function mountSmallTmpfs(sizeKib: number): Promise<SmallTmpfs> {
  const dir = await mkdtemp(join(tmpdir(), 'keygate-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKib}k`, 'tmpfs', dir]);
  const filler = join(dir, 'filler');
  const chunk = Buffer.alloc(4096);
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    remount({ ro }) {
      execFileSync('mount', ['-o', `remount,${ro ? 'ro' : 'rw'}`, dir]);
    },
    async dispose() {
      execFileSync('umount', ['-l', dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
