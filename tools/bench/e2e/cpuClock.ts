import fs from 'node:fs';

/** CPU time consumed so far, in milliseconds: this process, and the servers' where known. */
export interface CpuReading {
  readonly benchMs: number;
  /** The Temporal dev server. */
  readonly serverMs: number | null;
  /** The PostgreSQL server: the postmaster and every process it started. */
  readonly postgresMs: number | null;
}

/** The server processes whose CPU time a batch also counts; either may be unknown. */
export interface ServerPids {
  readonly server?: number | undefined;
  readonly postgres?: number | undefined;
}

// Linux reports a process's CPU time in clock ticks, nearly always 100 per second.
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Reads the CPU clocks: this process (workers and client) through process.cpuUsage, and
 * the servers through /proc/<pid>/stat where there are any (Linux). CPU time per step moves
 * much less than wall-clock throughput when other programs load the machine, so it shows
 * where governance costs even in a disturbed run. PostgreSQL works in processes of its
 * own (a backend per connection, background writers), so its reading is the postmaster's
 * tree: its own time, its children's that have ended, and each living child's.
 */
export function readCpu(pids: ServerPids): CpuReading {
  const usage = process.cpuUsage();
  return {
    benchMs: (usage.user + usage.system) / 1000,
    serverMs: pids.server === undefined ? null : processCpuMs(pids.server, false),
    postgresMs: pids.postgres === undefined ? null : processTreeCpuMs(pids.postgres),
  };
}

function processTreeCpuMs(pid: number): number | null {
  const own = processCpuMs(pid, true);
  if (own === null) return null;
  let children: number[];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter((field) => field.trim() !== '').map(Number);
  } catch {
    return null;
  }
  // A child that ended since it was listed has moved into the postmaster's own reaped time.
  return children.reduce((total, child) => total + (processCpuMs(child, true) ?? 0), own);
}

/** utime + stime (fields 14 and 15), with `reaped` also cutime + cstime (16 and 17): its ended children's. */
function processCpuMs(pid: number, reaped: boolean): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, from field 3 on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]) + (reaped ? Number(fields[13]) + Number(fields[14]) : 0);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}
