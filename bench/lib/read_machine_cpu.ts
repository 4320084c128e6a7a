import { readFileSync } from 'node:fs';

/** Machine-wide CPU time so far, from the first line of `/proc/stat`, in seconds. */
export interface MachineCpu {
  /** user + nice + system + irq + softirq, over all CPUs and every process on the kernel. */
  readonly busySeconds: number;
  /** Time the hypervisor gave this VM's CPUs to someone else. */
  readonly stealSeconds: number;
}

/** Kernel clock ticks per second in `/proc/stat` (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Reads machine-wide CPU time, which sees every process on the kernel, including those of
 * other containers that `ps` here does not list. Subtracting the benchmark's own processes
 * from its change during a run tells whether something else competed for the CPUs.
 * @returns null where `/proc/stat` does not exist (not Linux).
 */
export function readMachineCpu(): MachineCpu | null {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }
  const line = text.slice(0, text.indexOf('\n'));
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return {
    busySeconds: (user + nice + system + irq + softirq) / CLOCK_TICKS_PER_SECOND,
    stealSeconds: steal / CLOCK_TICKS_PER_SECOND,
  };
}
