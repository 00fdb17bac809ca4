import { Presets, SingleBar } from 'cli-progress';

/** What a long audit calls as it goes: one tick per item checked, then done. */
export interface Progress {
  /** One more item done; `label` (say, the workflow id) is shown shortened and cleaned. */
  tick(label?: string): void;
  /** The audit is over: stop the bar or print the final line. Calling it twice is harmless. */
  done(): void;
}

export interface ProgressOptions {
  /** Without a terminal, print a line every this many items (default: every 5% of the total). */
  readonly every?: number;
  /** What is counted, plural (default `runs`). */
  readonly unit?: string;
  /** Milliseconds clock, for the elapsed time on the last line (injected by tests). */
  readonly now?: () => number;
}

// Labels come from histories (workflow ids): control characters, escape sequences and
// bidirectional overrides could rewrite the operator's terminal, so they are dropped.
const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LABEL_MAX = 48;

/**
 * Reports the progress of a long audit on `stream` (stderr by default, so stdout stays
 * for results): a live bar (cli-progress) when the stream is a terminal, otherwise a
 * plain line every `every` items and at the end, which reads well in CI logs. Options
 * are checked here, when they are given.
 */
export function createProgress(total: number, stream: NodeJS.WriteStream = process.stderr, options: ProgressOptions = {}): Progress {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`progress total must be a whole number >= 0, got ${total}`);
  const every = options.every ?? Math.max(1, Math.ceil(total / 20));
  if (!Number.isSafeInteger(every) || every < 1) throw new RangeError(`progress interval must be a whole number >= 1, got ${every}`);
  const unit = options.unit ?? 'runs';
  const now = options.now ?? Date.now;
  const started = now();
  let count = 0;
  let finished = false;

  if (stream.isTTY === true && total > 0) {
    const bar = new SingleBar(
      {
        stream,
        format: `auditing {bar} {value}/{total} ${unit} | {percentage}% | ETA {eta_formatted} | {label}`,
        barsize: 30,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { label: '' });
    return {
      tick(label) {
        if (finished) return;
        count++;
        bar.increment(1, { label: cleanLabel(label) });
      },
      done() {
        if (finished) return;
        finished = true;
        bar.stop();
      },
    };
  }

  const line = (text: string): void => void stream.write(`audit: ${text}\n`);
  return {
    tick(label) {
      if (finished) return;
      count++;
      if (count % every === 0 || count === total) {
        const percent = total === 0 ? 100 : Math.min(100, Math.floor((count / total) * 100));
        const shown = cleanLabel(label);
        line(`${count}/${total} ${unit} (${percent}%)${shown === '' ? '' : ` ${shown}`}`);
      }
    },
    done() {
      if (finished) return;
      finished = true;
      const seconds = ((now() - started) / 1000).toFixed(1);
      line(`checked ${count} of ${total} ${unit} in ${seconds} s`);
    },
  };
}

function cleanLabel(label: string | undefined): string {
  if (label === undefined) return '';
  const chars = Array.from(label.replace(UNSAFE_FOR_TERMINAL, ''));
  return chars.length <= LABEL_MAX ? chars.join('') : `${chars.slice(0, LABEL_MAX - 1).join('')}…`;
}
