import fs from 'node:fs';

/** CPU time consumed so far, in milliseconds: this process, and the server process if known. */
export interface CpuReading {
  readonly benchMs: number;
  readonly serverMs: number | null;
}

// Linux reports a process's CPU time in clock ticks, nearly always 100 per second.
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Reads the CPU clocks: this process (workers and client) through process.cpuUsage, and
 * the server through /proc/<pid>/stat where there is one (Linux). CPU time per step moves
 * much less than wall-clock throughput when other programs load the machine, so it shows
 * where governance costs even in a disturbed run.
 */
export function readCpu(serverPid: number | undefined): CpuReading {
  const usage = process.cpuUsage();
  return { benchMs: (usage.user + usage.system) / 1000, serverMs: serverPid === undefined ? null : processCpuMs(serverPid) };
}

function processCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}
