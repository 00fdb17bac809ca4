import { spawn, type ChildProcess } from 'node:child_process';

/** What a governed worker process prints once it polls its task queue. */
export const WORKER_READY_LINE = 'writ worker: serving';

/** A governed worker in its own OS process, so a caller can kill it as a crash would. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Spawns `node <script>` with `env` added to this process's environment and resolves once
 * the worker prints WORKER_READY_LINE; rejects (with everything it printed) if it exits or
 * takes longer than `readyTimeoutMs`. Used by the soak and by the tests' worker processes.
 */
export async function spawnWorkerProcess(script: string, env: Record<string, string>, readyTimeoutMs = 60_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${script} not ready after ${readyTimeoutMs} ms:\n${output}`)), readyTimeoutMs);
    child.stdout.on('data', () => {
      if (output.includes(WORKER_READY_LINE)) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${script} exited with ${code} before serving:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
