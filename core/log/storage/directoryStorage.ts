import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../../keys/errnoCode';
import { WritError } from '../../errors/writError';
import type { TileStorage } from '../tiles/tileStorage';

/** A log's files read from a directory laid out as tlog-tiles serves them. */
export class DirectoryStorage implements TileStorage {
  readonly directory: string;

  constructor(directory: string) {
    this.directory = path.resolve(directory);
  }

  async read(relative: string): Promise<Buffer | undefined> {
    try {
      return await readFile(path.join(this.directory, relative));
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw new WritError('LOG_CORRUPT', `cannot read ${relative} in ${this.directory}: ${errnoCode(error) ?? String(error)}`, { cause: error });
    }
  }
}
