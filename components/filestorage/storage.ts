import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import {
  type Host,
  type ID,
  type Kind,
  type Logger,
  newComponent,
  type Settings,
} from "@denocol/component";
import { parseConfigDuration } from "@denocol/config";
import type { StorageClient, StorageExtension, StorageOperation } from "@denocol/extension";

/** Configuration of the `file_storage` extension. */
export interface FileStorageConfig {
  /** Directory holding one SQLite database per client. Default `/var/lib/otelcol/file_storage`. */
  directory: string | null;
  /** How long a client waits for a database locked by another process. Default `"1s"`. */
  timeout: string | number;
  /** Whether every commit is flushed to the disk (survives power loss, not only crashes). */
  fsync: boolean;
  /** Whether a missing `directory` is created at start. Default `false`. */
  create_directory: boolean;
  /** Permissions of a created directory, as an octal string. Default `"0750"`. */
  directory_permissions: string;
  /** Space reclamation. */
  compaction: {
    /** Whether each database is compacted (`VACUUM`) when its client opens. Default `false`. */
    on_start: boolean;
  };
}

/** The default configuration, as in the Go collector's contrib `file_storage`. */
export function createDefaultConfig(): FileStorageConfig {
  return {
    directory: "/var/lib/otelcol/file_storage",
    timeout: "1s",
    fsync: false,
    create_directory: false,
    directory_permissions: "0750",
    compaction: { on_start: false },
  };
}

/**
 * Checks the configuration.
 *
 * @param path Config path of the extension, such as `extensions::file_storage`.
 * @throws {TypeError} naming the key when a value is invalid.
 */
export function validateConfig(config: FileStorageConfig, path = "extensions::file_storage"): void {
  if (typeof config.directory !== "string" || config.directory === "") {
    throw new TypeError(`${path}::directory: expected a directory path`);
  }
  parseConfigDuration(config.timeout, `${path}::timeout`);
  for (const key of ["fsync", "create_directory"] as const) {
    if (typeof config[key] !== "boolean") {
      throw new TypeError(`${path}::${key}: expected true or false`);
    }
  }
  if (!/^0?[0-7]{3}$/.test(String(config.directory_permissions))) {
    throw new TypeError(
      `${path}::directory_permissions: expected an octal mode such as "0750", got ${
        JSON.stringify(config.directory_permissions)
      }`,
    );
  }
  if (typeof config.compaction?.on_start !== "boolean") {
    throw new TypeError(`${path}::compaction::on_start: expected true or false`);
  }
}

/**
 * A key-value store backed by one SQLite database file. Each call commits before it resolves;
 * a batch is one transaction. Data survives the process being killed at any point.
 */
export class FileStorageClient implements StorageClient {
  readonly #db: DatabaseSync;
  readonly #get: StatementSync;
  readonly #set: StatementSync;
  readonly #delete: StatementSync;
  readonly #onClose: () => void;
  #closed = false;
  /** The database file. */
  readonly file: string;

  /**
   * Opens (creating if needed) the database in `file`.
   *
   * @param file Path of the database file.
   * @param options Lock timeout, fsync and compaction settings, and a hook run on close.
   */
  constructor(
    file: string,
    options: {
      timeoutMs: number;
      fsync: boolean;
      compact: boolean;
      onClose: () => void;
      leftovers?: () => FileStorageClient[];
      removeWhenEmpty?: boolean;
    },
  ) {
    this.file = file;
    this.#db = new DatabaseSync(file, { timeout: Math.round(options.timeoutMs) });
    this.#db.exec("PRAGMA journal_mode = WAL");
    this.#db.exec(`PRAGMA synchronous = ${options.fsync ? "FULL" : "NORMAL"}`);
    this.#db.exec(
      "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL) " +
        "WITHOUT ROWID",
    );
    if (options.compact) this.#db.exec("VACUUM");
    this.#get = this.#db.prepare("SELECT value FROM kv WHERE key = ?");
    this.#set = this.#db.prepare(
      "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    );
    this.#delete = this.#db.prepare("DELETE FROM kv WHERE key = ?");
    this.#onClose = options.onClose;
    this.#leftovers = options.leftovers ?? (() => []);
    this.#removeWhenEmpty = options.removeWhenEmpty ?? false;
  }

  readonly #leftovers: () => FileStorageClient[];
  readonly #removeWhenEmpty: boolean;

  /**
   * The databases of this client left by instances that no longer run (see
   * {@linkcode setStorageInstance}), opened; each is removed when closed empty.
   */
  leftovers(): Promise<FileStorageClient[]> {
    try {
      this.#check();
      return Promise.resolve(this.#leftovers());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #check(): void {
    if (this.#closed) throw new Error(`file_storage client for ${this.file} is closed`);
  }

  /** The value stored under `key`, or `undefined`. */
  get(key: string): Promise<Uint8Array | undefined> {
    try {
      this.#check();
      const row = this.#get.get(key) as { value: Uint8Array } | undefined;
      return Promise.resolve(row === undefined ? undefined : new Uint8Array(row.value));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Stores `value` under `key`. */
  set(key: string, value: Uint8Array): Promise<void> {
    return this.batch([{ type: "set", key, value }]);
  }

  /** Removes `key` (a missing key is fine). */
  delete(key: string): Promise<void> {
    return this.batch([{ type: "delete", key }]);
  }

  /** Applies `operations` in one transaction. */
  batch(operations: readonly StorageOperation[]): Promise<void> {
    try {
      this.#check();
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        for (const op of operations) {
          if (op.type === "set") this.#set.run(op.key, op.value);
          else this.#delete.run(op.key);
        }
        this.#db.exec("COMMIT");
      } catch (error) {
        this.#db.exec("ROLLBACK");
        throw error;
      }
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Closes the database; further calls reject. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      const empty = this.#removeWhenEmpty &&
        this.#db.prepare("SELECT 1 FROM kv LIMIT 1").get() === undefined;
      this.#db.close();
      if (empty) {
        for (const suffix of ["", "-wal", "-shm"]) rmSync(this.file + suffix, { force: true });
      }
      this.#onClose();
    }
    return Promise.resolve();
  }
}

/** The `file_storage` extension, a {@linkcode StorageExtension}: each component gets its own database. */
export interface FileStorageExtension extends StorageExtension {
  /**
   * Opens the database of component `kind`/`id`, client `name` (the exporter helper passes the
   * signal). Only one client per database may be open at a time.
   */
  getClient(kind: Kind, id: ID, name: string): Promise<FileStorageClient>;
}

function sanitize(part: string): string {
  return part.replace(/[^A-Za-z0-9_.-]/g, (c) => `~${c.charCodeAt(0).toString(16)}`);
}

/**
 * The file name of the database for one client: `<kind>_<type>_<name>_<client>.sqlite`, with
 * characters outside `[A-Za-z0-9_.-]` escaped (as `~` and hexadecimal digits); instance `i > 0`
 * of {@linkcode setStorageInstance} adds `~i<i>` before `.sqlite`.
 */
export function databaseFileName(kind: Kind, id: ID, name: string, instance = 0): string {
  const base = [kind, id.type, id.name, name].map(sanitize).join("_");
  return instance === 0 ? `${base}.sqlite` : `${base}~i${instance}.sqlite`;
}

let storageInstance = { index: 0, count: 1 };

/**
 * Makes the `file_storage` extensions this process creates from now on keep the databases of
 * instance `index` of `count` processes that run one collector with one configuration, and so
 * share its directories. Instance 0 uses the usual file names, so that a collector run as one
 * process and instance 0 read the same files; instance `i > 0` uses its own
 * ({@linkcode databaseFileName}). A client also hands over as leftovers the databases of
 * instances numbered `count` and above (left by a run with more processes) whose number modulo
 * `count` is `index`, so that what they hold is taken over whenever the count shrinks. Called by
 * the host that starts the processes, never by components.
 *
 * @throws {RangeError} unless `0 <= index < count` are integers.
 */
export function setStorageInstance(index: number, count: number): void {
  if (!Number.isInteger(index) || !Number.isInteger(count) || index < 0 || index >= count) {
    throw new RangeError(
      `file_storage: instance ${index} of ${count}: expected integers with 0 <= index < count`,
    );
  }
  storageInstance = { index, count };
}

/** The instances whose databases of `base` (a file name of instance 0) instance `index` takes over. */
function leftoverInstances(directory: string, base: string): number[] {
  const { index, count } = storageInstance;
  const prefix = `${base.slice(0, -".sqlite".length)}~i`;
  const found: number[] = [];
  for (const entry of readdirSync(directory)) {
    if (!entry.startsWith(prefix) || !entry.endsWith(".sqlite")) continue;
    const text = entry.slice(prefix.length, -".sqlite".length);
    if (!/^[1-9][0-9]*$/.test(text)) continue;
    const instance = Number(text);
    if (instance >= count && instance % count === index) found.push(instance);
  }
  return found.sort((a, b) => a - b);
}

/**
 * Creates the extension. The directory is checked (or created) at start.
 *
 * @throws {TypeError} when the configuration is invalid.
 */
export function createFileStorage(
  settings: Settings,
  config: FileStorageConfig,
): FileStorageExtension {
  const path = `extensions::${settings.id}`;
  validateConfig(config, path);
  const directory = config.directory!;
  const timeoutMs = parseConfigDuration(config.timeout, `${path}::timeout`);
  const logger: Logger = settings.telemetry.logger;
  const open = new Map<string, FileStorageClient>();
  let running = false;
  const lifecycle = newComponent({
    start: (_host: Host) => {
      let isDirectory = false;
      try {
        isDirectory = statSync(directory).isDirectory();
      } catch {
        if (!config.create_directory) {
          throw new Error(
            `${path}::directory: ${directory} does not exist (set create_directory: true to ` +
              `create it)`,
          );
        }
        mkdirSync(directory, {
          recursive: true,
          mode: parseInt(config.directory_permissions, 8),
        });
        isDirectory = true;
      }
      if (!isDirectory) throw new Error(`${path}::directory: ${directory} is not a directory`);
      running = true;
    },
    shutdown: async () => {
      running = false;
      for (const client of [...open.values()]) await client.close();
    },
  });
  return {
    start: lifecycle.start,
    shutdown: lifecycle.shutdown,
    getClient(kind: Kind, id: ID, name: string): Promise<FileStorageClient> {
      if (!running) {
        return Promise.reject(new Error(`${path}: extension is not running`));
      }
      const openClient = (instance: number, leftover: boolean): FileStorageClient => {
        const file = join(directory, databaseFileName(kind, id, name, instance));
        if (open.has(file)) {
          throw new Error(`${path}: a client for ${kind} "${id}" (${name}) is already open`);
        }
        try {
          const client = new FileStorageClient(file, {
            timeoutMs,
            fsync: config.fsync,
            compact: config.compaction.on_start,
            onClose: () => open.delete(file),
            leftovers: leftover
              ? undefined
              : () =>
                leftoverInstances(directory, databaseFileName(kind, id, name))
                  .map((other) => openClient(other, true)),
            removeWhenEmpty: leftover,
          });
          open.set(file, client);
          logger.debug("Opened storage client", { file });
          return client;
        } catch (error) {
          throw new Error(`${path}: cannot open ${file}: ${(error as Error).message}`, {
            cause: error,
          });
        }
      };
      try {
        return Promise.resolve(openClient(storageInstance.index, false));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}
