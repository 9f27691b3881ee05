/**
 * The `pprof` receiver (profiles only, development): turns pprof profiles (Go's `runtime/pprof`
 * and `net/http/pprof`, Pyroscope SDKs, `perf` converters) and V8 CPU profiles
 * (`node --cpu-prof`, Chrome DevTools, the inspector) into OTLP profiles. Three sources, any
 * mix of them:
 *
 * ```yaml
 * receivers:
 *   pprof:
 *     include: [/var/profiles/*.pb.gz, "/tmp/node/**\/*.cpuprofile"]  # read at start
 *     poll_interval: 10s      # and new files after (default 0: only at start)
 *     storage: file_storage   # files read are not read again after a restart
 *     scrape:                 # pulled on a schedule
 *       - endpoint: http://127.0.0.1:6060/debug/pprof/profile
 *         interval: 60s
 *         seconds: 10
 *       - endpoint: http://127.0.0.1:6060/debug/pprof/heap
 *         interval: 60s
 *         service_name: checkout
 *     endpoint: 127.0.0.1:4040   # POST /ingest?name=app{env=prod}&from=&until=&format=pprof
 *     service_name: checkout     # service.name when the source names none
 *     max_profile_size_mib: 64   # after decompression
 * ```
 *
 * A file or body is recognised by its content: gzip or plain, a V8 CPU profile (JSON with
 * `nodes`) or a pprof `profile.proto` message. The conversion is `@denocol/pdata-experimental/pprof`'s:
 * every sample type becomes its own OTLP profile (tied to the others by `denocol.pprof.group`),
 * labels become sample attributes (numeric ones with their unit), mappings keep their build id,
 * locations their inlined lines. A push body may be the profile itself or the `profile` part
 * of a multipart form, as Pyroscope's SDKs send it; `name` gives `service.name` and, in braces,
 * resource attributes.
 *
 * A file, pull or body that is not a profile is logged with its source and what is wrong
 * (`Cannot read profile`), counted as one sample in `otelcol_receiver_refused_profile_samples`
 * (transport `file`, `scrape` or `http`), and the receiver goes on; a bad push is answered 400.
 * A file is read once for each size and modification time it has; one that appears while
 * polling is read once it has not changed for one interval.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { factory } from "@denocol/pprofreceiver";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { SinkConsumer } from "@denocol/consumer/consumertest";
 * import { type Profiles, profiles } from "@denocol/pdata-experimental";
 *
 * // A V8 CPU profile file with two ticks in main().
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/app.cpuprofile`, JSON.stringify({
 *   nodes: [
 *     { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1, columnNumber: -1 }, children: [2] },
 *     { id: 2, callFrame: { functionName: "main", url: "app.js", lineNumber: 0, columnNumber: 0 } },
 *   ],
 *   startTime: 0, endTime: 2000, samples: [2, 2], timeDeltas: [1000, 1000],
 * }));
 * const sink = new SinkConsumer<Profiles>();
 * const config = { ...factory.createDefaultConfig(), include: [`${dir}/*.cpuprofile`] };
 * const receiver = factory.createProfiles(nopSettings("receiver", "pprof"), config, sink);
 * await receiver.start(nopHost());
 * while (sink.all.length === 0) await new Promise((wake) => setTimeout(wake, 10));
 * await receiver.shutdown();
 * // samples/count and cpu/nanoseconds: one sample (main, two ticks) each.
 * assert.equal(profiles.count(sink.all[0]), 2);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * # Experimental
 *
 * The profiles signal is EXPERIMENTAL; this receiver may change or be removed in a later release.
 *
 * @module
 */

import { withValidateConfig } from "@denocol/component";
import { newFactory, type ProfilesFactory, withProfiles } from "@denocol/receiver-experimental";
import {
  createDefaultConfig,
  type PprofReceiverConfig,
  scrapeDefaults,
  TYPE,
  validateConfig,
} from "./config.ts";
import { PprofReceiver } from "./receiver.ts";

export {
  createDefaultConfig,
  PprofConfigError,
  type PprofReceiverConfig,
  type ScrapeConfig,
  TYPE,
  validateConfig,
} from "./config.ts";
export { PprofReceiver } from "./receiver.ts";
export { expandGlobs } from "./glob.ts";

/**
 * The factory of the `pprof` receiver: profiles only, in development.
 *
 * # Experimental
 *
 * EXPERIMENTAL: may be changed or removed in a later release.
 */
export const factory: ProfilesFactory<PprofReceiverConfig> = newFactory<PprofReceiverConfig>(
  TYPE,
  createDefaultConfig,
  withProfiles(
    (settings, config, next) =>
      new PprofReceiver(settings, { ...config, scrape: config.scrape.map(scrapeDefaults) }, next),
    "development",
  ),
  withValidateConfig((config: PprofReceiverConfig) =>
    validateConfig({ ...config, scrape: (config.scrape ?? []).map(scrapeDefaults) })
  ),
);
