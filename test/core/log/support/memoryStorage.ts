import type { TileFile } from '../../../../core/log/tiles/logEdge';
import type { TileStorage } from '../../../../core/log/tiles/tileStorage';

/** A log's files in memory: what appendToEdge writes, read back as a directory would serve them. */
export class MemoryStorage implements TileStorage {
  readonly files = new Map<string, Buffer>();

  write(files: readonly TileFile[]): void {
    for (const file of files) this.files.set(file.path, file.data);
  }

  async read(path: string): Promise<Buffer | undefined> {
    return this.files.get(path);
  }
}
