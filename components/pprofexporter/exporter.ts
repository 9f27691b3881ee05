import type { Settings } from "@denocol/component";
import { PermanentError, RetryableError } from "@denocol/consumer";
import type { Exporter } from "@denocol/exporter";
import { exporterOptions, newExporter, type PushContext } from "@denocol/exporter/exporterhelper";
import { type Profiles, profiles, resolveAnyValue } from "@denocol/pdata-experimental";
import { gzipPprof, type PprofOutput, profilesToPprof } from "@denocol/pdata-experimental/pprof";
import type { PprofExporterConfig } from "./config.ts";

/** A file name of letters, digits, `.`, `_` and `-` only. */
function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_") || "_";
}

/** `20240102T030405.678Z` for a time in nanoseconds since the UNIX epoch. */
export function fileTime(unixNano: bigint): string {
  return new Date(Number(unixNano / 1_000_000n)).toISOString().replace(/[-:]/g, "");
}

async function shortHash(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The file name of one pprof profile: `<service>.<type>.<time>.<hash>.pb.gz`. The hash of the
 * content keeps profiles of one instant apart and makes a retried write replace its own file.
 */
export async function fileName(
  output: PprofOutput,
  bytes: Uint8Array<ArrayBuffer>,
): Promise<string> {
  return `${safe(output.serviceName || "unknown_service")}.${safe(output.profileType)}.${
    fileTime(output.timeUnixNano)
  }.${await shortHash(bytes)}.pb.gz`;
}

/** The Pyroscope-style query of a POST: `name=service{k=v,…}`, `from`, `until`, `format`. */
export function ingestQuery(output: PprofOutput, profilesData: Profiles): URLSearchParams {
  const labels: string[] = [];
  for (const kv of output.resource?.attributes ?? []) {
    if (kv.key === "service.name" || kv.value === undefined) continue;
    const value = resolveAnyValue(profilesData.dictionary, kv.value).value;
    if (value.case === "stringValue" || value.case === "intValue" || value.case === "boolValue") {
      labels.push(`${kv.key}=${String(value.value).replace(/[,{}=]/g, "_")}`);
    }
  }
  const from = output.timeUnixNano / 1_000_000_000n;
  const until = (output.timeUnixNano + output.profile.durationNanos) / 1_000_000_000n;
  return new URLSearchParams({
    name: `${output.serviceName || "unknown_service"}${
      labels.length > 0 ? `{${labels.join(",")}}` : ""
    }`,
    from: String(from),
    until: String(until > from ? until : from + 1n),
    format: "pprof",
    spyName: "denocol",
  });
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Creates the `pprof` exporter: each group of profiles (one pprof or V8 profile as received, or
 * profiles of one collection) becomes one gzipped pprof file with all its sample types, written
 * to `path` and/or POSTed to `endpoint`. A retried request skips the files it already delivered.
 */
export function createPprofExporter(
  settings: Settings,
  config: PprofExporterConfig,
): Exporter<Profiles> {
  const id = settings.id.toString();
  // What a request already delivered, so that a retry does not deliver it twice.
  const delivered = new WeakMap<Profiles, Set<string>>();
  const push = async (data: Profiles, context: PushContext): Promise<void> => {
    let done = delivered.get(data);
    if (done === undefined) delivered.set(data, done = new Set());
    const outputs = profilesToPprof(data);
    for (const output of outputs) {
      const bytes = gzipPprof(output.profile);
      const name = await fileName(output, bytes);
      if (config.path !== null && !done.has(`file:${name}`)) {
        await writeAtomically(config.path, name, bytes);
        done.add(`file:${name}`);
      }
      if (config.endpoint !== null && !done.has(`post:${name}`)) {
        await post(config, id, output, data, bytes, name, context.signal);
        done.add(`post:${name}`);
      }
    }
  };
  return newExporter(settings, profiles, push, exporterOptions(config, settings));
}

async function writeAtomically(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const temporary = `${dir}/.${name}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.writeFile(temporary, bytes);
    // A reader sees the whole file or none: rename replaces atomically.
    await Deno.rename(temporary, `${dir}/${name}`);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

async function post(
  config: PprofExporterConfig,
  id: string,
  output: PprofOutput,
  data: Profiles,
  bytes: Uint8Array<ArrayBuffer>,
  name: string,
  signal: AbortSignal,
): Promise<void> {
  const url = new URL(config.endpoint!);
  for (const [key, value] of ingestQuery(output, data)) url.searchParams.set(key, value);
  const form = new FormData();
  form.append("profile", new Blob([bytes], { type: "application/octet-stream" }), name);
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", body: form, headers: config.headers, signal });
  } catch (error) {
    throw new RetryableError(
      `exporter ${id}: POST ${url.origin}${url.pathname} failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const text = (await response.text()).slice(0, 300).trim();
  if (response.ok) return;
  const message = `exporter ${id}: POST ${url.origin}${url.pathname}: HTTP ${response.status}${
    text ? `: ${text}` : ""
  }`;
  if (RETRYABLE_STATUS.has(response.status)) {
    const after = retryAfterMs(response);
    throw new RetryableError(message, after === undefined ? {} : { retryAfterMs: after });
  }
  throw new PermanentError(message);
}
