/**
 * Where a log's tiles, bundles and checkpoint are read from: a directory, and later
 * object storage or a URL prefix. Paths are tlog-tiles paths (`checkpoint`,
 * `tile/0/x001/234.p/5`, ...).
 */
export interface TileStorage {
  /** The file's bytes, or undefined when there is no such file. */
  read(path: string): Promise<Buffer | undefined>;
}
