import type { CheckpointVerifier } from '../checkpoint/checkpointVerifier';
import { DirectoryStorage } from './directoryStorage';
import { HttpStorage, type HttpStorageOptions } from './httpStorage';
import { LogReader } from './logReader';

/**
 * A reader of the log at `location`: an `http://` or `https://` URL prefix where its
 * tlog-tiles files are served, or else a directory path. Either way the reader trusts
 * nothing it reads until `checkpoints` verified the checkpoint and proofs tie the rest to it.
 */
export function openLogReader(location: string, checkpoints: CheckpointVerifier, options: HttpStorageOptions = {}): LogReader {
  if (/^https?:\/\//i.test(location)) return new LogReader(new HttpStorage(location, options), checkpoints);
  return new LogReader(new DirectoryStorage(location), checkpoints);
}
