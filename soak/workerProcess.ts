import { spawn, type ChildProcess } from 'node:child_process';

/** A soak worker in its own OS process, so the soak can kill it like a crash would. */
export interface SoakWorkerProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Spawns `node <script>` with `env` and resolves once it says it serves its task queue. */
export async function spawnSoakWorker(script: string, env: Record<string, string>, readyTimeoutMs = 60_000): Promise<SoakWorkerProcess> {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`soak worker not ready after ${readyTimeoutMs} ms:\n${output}`)), readyTimeoutMs);
    child.stdout.on('data', () => {
      if (output.includes('writ worker: serving')) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`soak worker exited with ${code} before serving:\n${output}`));
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
