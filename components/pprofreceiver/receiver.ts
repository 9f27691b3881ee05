import { type Component, guardLifecycle, type Host, ID, type Settings } from "@denocol/component";
import {
  DEFAULT_SESSION_LIMITS,
  listenHttp,
  type RunningServer,
  type ServerRequest,
  type ServerResponse,
} from "@denocol/config";
import { type Consumer, isPermanent } from "@denocol/consumer";
import { isStorageExtension, type StorageClient } from "@denocol/extension";
import type { PlainValue } from "@denocol/pdata";
import { type Profiles, profiles } from "@denocol/pdata-experimental";
import { parseProfile, toProfiles } from "@denocol/pdata-experimental/pprof";
import { newObsReport } from "@denocol/receiver-experimental";
import type { ObsReport } from "@denocol/receiver";
import {
  durationMs,
  type PprofReceiverConfig,
  type ScrapeConfig,
  scrapeDefaults,
  scrapeUrl,
} from "./config.ts";
import { FileTracker } from "./files.ts";
import { errorAnswer, parsePushQuery, pushBody, PushError } from "./push.ts";

/** Where a profile came from, for its resource, its times and the log. */
interface Source {
  /** File path or URL, named in log lines. */
  name: string;
  /** `file`, `scrape` or `http`: the `transport` of the receiver's counters. */
  transport: "file" | "scrape" | "http";
  /** Resource attributes. */
  resource: Record<string, PlainValue>;
  /** When the profile ended, for V8 profiles whose clock has another origin. */
  endTimeUnixNano: bigint;
  /** Start of a pushed profile's window, for profiles that say none. */
  fromNanos?: bigint;
}

/** A profile that could not be read or converted; already logged and counted. */
class Refused extends Error {}

/**
 * The `pprof` receiver: reads profile files, pulls profile endpoints and takes pushed profiles,
 * converting each into OTLP profiles for `next`.
 */
export class PprofReceiver implements Component {
  readonly #settings: Settings;
  readonly #config: PprofReceiverConfig;
  readonly #next: Consumer<Profiles>;
  readonly #maxBytes: number;
  readonly #reports = new Map<string, ObsReport<"profiles">>();
  readonly #stop = new AbortController();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #work = new Set<Promise<unknown>>();
  #storage: StorageClient | undefined;
  #files: FileTracker | undefined;
  #server: RunningServer | undefined;

  /** Creates the receiver; nothing runs before `start`. */
  constructor(settings: Settings, config: PprofReceiverConfig, next: Consumer<Profiles>) {
    this.#settings = settings;
    this.#config = config;
    this.#next = next;
    this.#maxBytes = Math.floor(config.max_profile_size_mib * 1024 * 1024);
    guardLifecycle(this);
  }

  /** The bound address of the push endpoint, once started (port 0 resolved). */
  get pushAddress(): { hostname: string; port: number } | undefined {
    return this.#server && { hostname: this.#server.hostname, port: this.#server.port };
  }

  /** Opens storage and the push endpoint, and starts reading files and pulling endpoints. */
  async start(host: Host): Promise<void> {
    const config = this.#config;
    if (config.include.length === 0 && config.scrape.length === 0 && config.endpoint === null) {
      this.#settings.telemetry.logger.warn(
        "pprof receiver has nothing to receive: set include, scrape or endpoint",
      );
    }
    if (config.storage !== null) this.#storage = await this.#openStorage(host, config.storage);
    if (config.endpoint !== null) {
      this.#server = await listenHttp({
        endpoint: config.endpoint,
        limits: {
          readHeaderTimeoutMs: 60_000,
          readTimeoutMs: 0,
          writeTimeoutMs: 30_000,
          idleTimeoutMs: 60_000,
          keepAlivesEnabled: true,
          maxHeaderBytes: 1 << 20,
        },
        sessionLimits: DEFAULT_SESSION_LIMITS,
        maxConcurrentStreams: 100,
        handler: (request) => this.#handlePush(request),
      });
      this.#settings.telemetry.logger.info("Starting pprof push endpoint", {
        endpoint: `${this.#server.hostname}:${this.#server.port}`,
      });
    }
    if (config.include.length > 0) {
      this.#files = new FileTracker(config.include, this.#storage);
      const poll = durationMs(config.poll_interval, "poll_interval");
      this.#repeat(0, poll, (first) => this.#readFiles(first));
    }
    config.scrape.forEach((entry, i) => {
      const scrape = scrapeDefaults(entry);
      const interval = durationMs(scrape.interval, `scrape.${i}.interval`);
      this.#repeat(0, interval, () => this.#scrape(scrape, i));
    });
  }

  /** Stops timers, pulls and the endpoint; waits for the work in progress. */
  async shutdown(): Promise<void> {
    this.#stop.abort(new Error("the receiver is shutting down"));
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await this.#server?.close();
    await Promise.allSettled([...this.#work]);
    await this.#storage?.close();
  }

  async #openStorage(host: Host, storage: string): Promise<StorageClient> {
    const extension = host.getExtension(ID.parse(storage));
    if (extension === undefined) {
      throw new Error(
        `receivers::${this.#settings.id}::storage: extension "${storage}" is not configured; ` +
          `add it under extensions and service::extensions`,
      );
    }
    if (!isStorageExtension(extension)) {
      throw new Error(
        `receivers::${this.#settings.id}::storage: extension "${storage}" is not a storage extension`,
      );
    }
    return await extension.getClient("receiver", this.#settings.id, "files");
  }

  /** Runs `task` after `delayMs`, then every `intervalMs` (once when it is 0) until shutdown. */
  #repeat(delayMs: number, intervalMs: number, task: (first: boolean) => Promise<void>): void {
    let first = true;
    const run = () => {
      if (this.#stop.signal.aborted) return;
      const work = task(first).catch((error) =>
        this.#settings.telemetry.logger.error("pprof receiver task failed", {
          error: error instanceof Error ? error.message : String(error),
        })
      );
      first = false;
      this.#work.add(work);
      work.finally(() => {
        this.#work.delete(work);
        if (intervalMs > 0 && !this.#stop.signal.aborted) schedule(intervalMs);
      });
    };
    const schedule = (ms: number) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        run();
      }, ms);
      this.#timers.add(timer);
    };
    schedule(delayMs);
  }

  #report(transport: string): ObsReport<"profiles"> {
    let report = this.#reports.get(transport);
    if (report === undefined) {
      report = newObsReport(this.#settings, transport) as ObsReport<"profiles">;
      this.#reports.set(transport, report);
    }
    return report;
  }

  /**
   * Converts `bytes` and hands them to the next consumer. A profile that cannot be read is
   * logged naming its source and counted as one refused sample (its samples cannot be
   * counted), and `Refused` is thrown; the pipeline's error is passed on.
   */
  async #ingest(bytes: Uint8Array, source: Source): Promise<Profiles> {
    let data: Profiles;
    try {
      data = toProfiles(parseProfile(bytes, this.#maxBytes), {
        resource: source.resource,
        endTimeUnixNano: source.endTimeUnixNano,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#settings.telemetry.logger.error("Cannot read profile", {
        source: source.name,
        error: message,
      });
      this.#report(source.transport).refused("profiles", 1);
      throw new Refused(`${source.name}: ${message}`);
    }
    if (source.fromNanos !== undefined) fillTimes(data, source.fromNanos, source.endTimeUnixNano);
    await this.#report(source.transport).observe(
      "profiles",
      profiles.count(data),
      () => this.#next.consume(data),
    );
    return data;
  }

  async #readFiles(first: boolean): Promise<void> {
    const files = this.#files!;
    for (const file of await files.due(first)) {
      if (this.#stop.signal.aborted) return;
      let bytes: Uint8Array;
      try {
        bytes = await Deno.readFile(file.path);
      } catch (error) {
        this.#settings.telemetry.logger.error("Cannot read profile", {
          source: file.path,
          error: (error as Error).message,
        });
        continue;
      }
      try {
        await this.#ingest(bytes, {
          name: file.path,
          transport: "file",
          resource: { "service.name": this.#config.service_name },
          endTimeUnixNano: BigInt(file.mtimeMs) * 1_000_000n,
        });
      } catch (error) {
        if (!(error instanceof Refused)) {
          // The pipeline refused: the file is tried again at the next poll.
          this.#settings.telemetry.logger.warn("Profile refused by the pipeline", {
            source: file.path,
            error: (error as Error).message,
          });
          continue;
        }
      }
      await files.markRead(file);
    }
  }

  async #scrape(scrape: ScrapeConfig, i: number): Promise<void> {
    const url = scrapeUrl(scrape.endpoint, `scrape.${i}.endpoint`);
    if (scrape.seconds !== null) url.searchParams.set("seconds", String(scrape.seconds));
    const intervalMs = durationMs(scrape.interval, `scrape.${i}.interval`);
    // A profile endpoint takes its `seconds` to answer; past that and an interval, give up.
    const timeoutMs = (scrape.seconds ?? 30) * 1000 + intervalMs;
    const name = url.toString();
    let bytes: Uint8Array;
    try {
      const response = await fetch(url, {
        signal: AbortSignal.any([this.#stop.signal, AbortSignal.timeout(timeoutMs)]),
      });
      bytes = new Uint8Array(await response.arrayBuffer());
      if (!response.ok) {
        throw new Error(
          `HTTP ${response.status}: ${new TextDecoder().decode(bytes.subarray(0, 200)).trim()}`,
        );
      }
    } catch (error) {
      if (this.#stop.signal.aborted) return;
      this.#settings.telemetry.logger.error("Cannot pull profile", {
        source: name,
        error: error instanceof Error ? error.message : String(error),
      });
      this.#report("scrape").refused("profiles", 1);
      return;
    }
    await this.#ingest(bytes, {
      name,
      transport: "scrape",
      resource: { "service.name": scrape.service_name ?? this.#config.service_name },
      endTimeUnixNano: BigInt(Date.now()) * 1_000_000n,
    }).catch((error) => {
      if (error instanceof Refused) return;
      this.#settings.telemetry.logger.warn("Profile refused by the pipeline", {
        source: name,
        error: (error as Error).message,
      });
    });
  }

  async #handlePush(request: ServerRequest): Promise<ServerResponse> {
    if (request.path !== "/ingest") return errorAnswer(new PushError(404, "use POST /ingest"));
    if (request.method !== "POST") {
      return { ...errorAnswer(new PushError(405, "use POST")), headers: { allow: "POST" } };
    }
    let target;
    let bytes: Uint8Array;
    try {
      target = parsePushQuery(request.query ?? "");
      bytes = await pushBody(request, this.#maxBytes);
    } catch (error) {
      if (!(error instanceof PushError)) throw error;
      return errorAnswer(error);
    }
    const until = target.untilNanos ?? BigInt(Date.now()) * 1_000_000n;
    let data: Profiles;
    try {
      data = await this.#ingestPushed(bytes, target, until);
    } catch (error) {
      if (error instanceof Refused) return errorAnswer(new PushError(400, error.message));
      return errorAnswer(error, isPermanent(error) ? 400 : 503);
    }
    return { status: 200, body: `${profiles.count(data)} samples\n` };
  }

  #ingestPushed(
    bytes: Uint8Array,
    target: ReturnType<typeof parsePushQuery>,
    until: bigint,
  ): Promise<Profiles> {
    return this.#ingest(bytes, {
      name: `push from ${target.serviceName ?? this.#config.service_name}`,
      transport: "http",
      resource: {
        ...target.labels,
        "service.name": target.serviceName ?? this.#config.service_name,
      },
      endTimeUnixNano: until,
      fromNanos: target.fromNanos,
    });
  }
}

/** Gives profiles without a time or duration the window a push request named. */
function fillTimes(data: Profiles, from: bigint, until: bigint): void {
  for (const rp of data.resourceProfiles) {
    for (const sp of rp.scopeProfiles) {
      for (const profile of sp.profiles) {
        if (profile.timeUnixNano === 0n) profile.timeUnixNano = from;
        if (profile.durationNano === 0n && until > from) profile.durationNano = until - from;
      }
    }
  }
}
