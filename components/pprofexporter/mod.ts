/**
 * The `pprof` exporter (profiles only, development): writes OTLP profiles as gzipped pprof
 * `profile.proto` files that `go tool pprof` reads, to a directory and/or POSTed to an HTTP
 * server (Pyroscope's `/ingest` is the model).
 *
 * ```yaml
 * exporters:
 *   pprof:
 *     path: /var/profiles/out            # <service>.<type>.<time>.<hash>.pb.gz
 *     endpoint: http://pyroscope:4040/ingest
 *     headers: { authorization: "Bearer ${env:TOKEN}" }
 *     timeout: 30s                       # with retry_on_failure and sending_queue as usual
 * ```
 *
 * An OTLP profile has one sample type, so a pprof profile with several (a Go heap profile has
 * four) arrives as several OTLP profiles. Those the `pprof` receiver made of one profile carry
 * the same `denocol.pprof.group` attribute and their sample type's position; profiles from
 * elsewhere are grouped by resource, scope, time, duration and period. Each group is written back
 * as one pprof profile with every sample type in its order: samples with the same stack and
 * attributes become one sample with a value per type, so `go tool pprof -top` reports the same
 * values per function as for the profile that came in, for each sample type, however batching
 * merged or split the requests on the way (as long as a group is not split across two exported
 * batches: leave the batch processor's `send_batch_max_size` unset in profiles pipelines).
 *
 * The file name is the resource's `service.name`, the profile type (the period type, such as
 * `cpu` or `space`, else the first sample type), the start time (`20240102T030405.678Z`) and a
 * hash of the content. A POST carries the file as the `profile` part of a multipart form, with
 * `name=<service>{<resource attributes>}`, `from`, `until` (seconds) and `format=pprof`; 429, 502,
 * 503 and 504 are retried (honouring `Retry-After`), other errors are permanent.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { factory } from "@denocol/pprofexporter";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { cpuProfileToProfiles, decodePprof } from "@denocol/pdata-experimental/pprof";
 * import { gunzipSync } from "node:zlib";
 *
 * const dir = await Deno.makeTempDir();
 * const exporter = factory.createProfiles(nopSettings("exporter", "pprof"), {
 *   ...factory.createDefaultConfig(),
 *   path: dir,
 * });
 * await exporter.start(nopHost());
 * const frame = { functionName: "main", url: "app.js", lineNumber: 0, columnNumber: 0 };
 * await exporter.consume(cpuProfileToProfiles({
 *   nodes: [{ id: 1, callFrame: { ...frame, functionName: "(root)" }, children: [2] }, { id: 2, callFrame: frame }],
 *   startTime: 0, endTime: 1000, samples: [2], timeDeltas: [1000],
 * }, { resource: { "service.name": "web" } }));
 * await exporter.shutdown(); // drains the queue
 * const [file] = [...Deno.readDirSync(dir)].map((entry) => entry.name);
 * assert.match(file, /^web\.cpu\.\d{8}T\d{6}\.\d{3}Z\.[0-9a-f]{8}\.pb\.gz$/);
 * const pprof = decodePprof(gunzipSync(Deno.readFileSync(`${dir}/${file}`)));
 * assert.deepEqual(pprof.sample.map((s) => s.value), [[1n, 1000000n]]); // samples, cpu ns
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * # Experimental
 *
 * The profiles signal is EXPERIMENTAL; this exporter may change or be removed in a later release.
 *
 * @module
 */

import { withValidateConfig } from "@denocol/component";
import { newFactory, type ProfilesFactory, withProfiles } from "@denocol/exporter-experimental";
import { createDefaultConfig, type PprofExporterConfig, TYPE, validateConfig } from "./config.ts";
import { createPprofExporter } from "./exporter.ts";

export {
  createDefaultConfig,
  type PprofExporterConfig,
  PprofExporterConfigError,
  TYPE,
  validateConfig,
} from "./config.ts";
export { createPprofExporter, fileName, fileTime, ingestQuery } from "./exporter.ts";

/**
 * The factory of the `pprof` exporter: profiles only, in development.
 *
 * # Experimental
 *
 * EXPERIMENTAL: may be changed or removed in a later release.
 */
export const factory: ProfilesFactory<PprofExporterConfig> = newFactory<PprofExporterConfig>(
  TYPE,
  createDefaultConfig,
  withProfiles(createPprofExporter, "development"),
  withValidateConfig((config: PprofExporterConfig) => validateConfig(config)),
);
