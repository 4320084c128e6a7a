import { cpus, platform, release } from 'node:os';

/** The machine a benchmark ran on, for its JSON record. */
export interface MachineRecord {
  /** Node's version, e.g. `v20.20.2`. */
  readonly node: string;
  /** OS and kernel release. */
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string | null;
}

/** Describes this machine and Node. */
export function describeMachine(): MachineRecord {
  return {
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
  };
}
