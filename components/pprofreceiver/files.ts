// Which profile files to read: those matching the globs that were not read before in the same
// form (size and modification time), remembered in memory and, with `storage`, in a storage
// extension so that a restart does not read them again. A file that appears while polling is
// read once it has kept its size and time for one interval, so that a file still being written
// is not taken for a bad one.

import type { StorageClient } from "@denocol/extension";
import { expandGlobs } from "./glob.ts";

/** A file to read now, with the form it had when it was chosen. */
export interface FileToRead {
  /** Absolute path. */
  path: string;
  /** Size and modification time, as remembered once read. */
  fingerprint: string;
  /** Modification time, milliseconds since the UNIX epoch (when the profile ended). */
  mtimeMs: number;
}

const KEY_PREFIX = "file:";

/** The files matching some globs, and which of them were read. */
export class FileTracker {
  readonly #patterns: readonly string[];
  readonly #storage: StorageClient | undefined;
  /** Fingerprints of the files read (or refused for good), by path. */
  readonly #read = new Map<string, string>();
  /** Files seen by the last poll and not read yet, with their fingerprint then. */
  readonly #seen = new Map<string, string>();

  /**
   * @param patterns Globs of the files.
   * @param storage Where read files are remembered across restarts, if anywhere.
   */
  constructor(patterns: readonly string[], storage?: StorageClient) {
    this.#patterns = patterns;
    this.#storage = storage;
  }

  /**
   * The files to read now. At the first look every matching file not read before is due;
   * afterwards a new or changed file is due when it has not changed since the previous look.
   */
  async due(first: boolean): Promise<FileToRead[]> {
    const due: FileToRead[] = [];
    for (const path of await expandGlobs(this.#patterns)) {
      let info: Deno.FileInfo;
      try {
        info = await Deno.stat(path);
      } catch {
        continue;
      }
      const mtimeMs = info.mtime?.getTime() ?? 0;
      const fingerprint = `${info.size}:${mtimeMs}`;
      if (await this.#wasRead(path, fingerprint)) continue;
      if (!first && this.#seen.get(path) !== fingerprint) {
        this.#seen.set(path, fingerprint);
        continue;
      }
      this.#seen.delete(path);
      due.push({ path, fingerprint, mtimeMs });
    }
    return due;
  }

  async #wasRead(path: string, fingerprint: string): Promise<boolean> {
    let known = this.#read.get(path);
    if (known === undefined && this.#storage !== undefined) {
      const stored = await this.#storage.get(KEY_PREFIX + path);
      if (stored !== undefined) {
        known = new TextDecoder().decode(stored);
        this.#read.set(path, known);
      }
    }
    return known === fingerprint;
  }

  /** Remembers that `file` was read (or refused for good), so it is not read again. */
  async markRead(file: FileToRead): Promise<void> {
    this.#read.set(file.path, file.fingerprint);
    await this.#storage?.set(KEY_PREFIX + file.path, new TextEncoder().encode(file.fingerprint));
  }
}
