import { fromBinary, fromJsonString } from "@bufbuild/protobuf";
import type { Settings } from "@denocol/component";
import { RetryableError } from "@denocol/consumer";
import type { Exporter } from "@denocol/exporter";
import {
  type ExporterOptions,
  exporterOptions,
  newExporter,
  type PartialSuccess,
  partialSuccessOf,
  type PushFunc,
} from "@denocol/exporter/exporterhelper";
import {
  compressAsync,
  compressionNamed,
  loadTlsClientConfig,
  parseConfigDuration,
} from "@denocol/config";
import { type ClientAuthenticator, clientAuthenticatorOf } from "@denocol/extension";
import type { SignalDescriptor } from "@denocol/pdata";
import * as http from "node:http";
import * as https from "node:https";
import { type OtlpHttpConfig, signalUrl } from "./config.ts";
import { httpError } from "./response.ts";

/** Responses larger than this are read only this far (bodies are status messages). */
const MAX_RESPONSE_BYTES = 64 * 1024;

interface RawResponse {
  status: number;
  headers: { get(name: string): string | null };
  body: Uint8Array;
}

function post(
  url: URL,
  headers: Record<string, string>,
  body: Uint8Array,
  agent: http.Agent,
  signal: AbortSignal,
): Promise<RawResponse> {
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method: "POST",
      headers: { ...headers, "content-length": String(body.length) },
      agent,
      signal,
    }, (response) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      response.on("data", (chunk: Uint8Array) => {
        if (size < MAX_RESPONSE_BYTES) {
          chunks.push(chunk);
          size += chunk.length;
        }
      });
      response.on("error", reject);
      response.on("end", () => {
        const out = new Uint8Array(Math.min(size, MAX_RESPONSE_BYTES));
        let offset = 0;
        for (const chunk of chunks) {
          const part = chunk.subarray(0, out.length - offset);
          out.set(part, offset);
          offset += part.length;
        }
        resolve({
          status: response.statusCode ?? 0,
          headers: {
            get: (name) => {
              const value = response.headers[name.toLowerCase()];
              return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
            },
          },
          body: out,
        });
      });
    });
    request.on("error", reject);
    request.end(body);
  });
}

/**
 * Creates an otlphttp exporter for one signal: its descriptor says how OTLP carries it (path,
 * codecs, response) and how the exporter helper counts and queues it. `helperOptions` tunes the
 * exporter helper beyond the config (such as a shorter shutdown drain in tests).
 *
 * @throws {TypeError} when the signal's URL or another setting is invalid.
 */
export function createSignalExporter<T>(
  settings: Settings,
  config: OtlpHttpConfig,
  signal: SignalDescriptor<T>,
  helperOptions: Pick<ExporterOptions, "drainTimeoutMs" | "random"> = {},
): Exporter<T> {
  const path = `exporters::${settings.id}`;
  const url = signalUrl(config, signal, path);
  const logger = settings.telemetry.logger;
  const json = config.encoding === "json";
  // `none` and `""` send as is; every other value was checked by the config's validation.
  const compression = compressionNamed(config.compression);
  const { buildInfo } = settings;
  const baseHeaders: Record<string, string> = {
    "user-agent":
      `${buildInfo.description}/${buildInfo.version} (${Deno.build.os}/${Deno.build.arch})`,
    ...config.headers,
    "content-type": json ? "application/json" : "application/x-protobuf",
  };
  if (compression !== undefined) baseHeaders["content-encoding"] = compression;
  let agent: http.Agent | undefined;
  let auth: ClientAuthenticator | undefined;

  const push: PushFunc<T> = async (data, context) => {
    const raw = json ? new TextEncoder().encode(signal.encodeJson(data)) : signal.encodeProto(data);
    const body = compression !== undefined ? await compressAsync(compression, raw) : raw;
    let response: RawResponse;
    try {
      const headers = auth === undefined
        ? baseHeaders
        : { ...baseHeaders, ...await auth.clientHeaders() };
      response = await post(url, headers, body, agent!, context.signal);
    } catch (error) {
      if (context.signal.aborted) throw context.signal.reason ?? error;
      throw new RetryableError(`request to ${url} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (response.status < 200 || response.status > 299) {
      throw httpError(url.toString(), response.status, response.headers, response.body);
    }
    return responsePartialSuccess(response, signal, logger);
  };

  return newExporter(settings, signal, push, {
    ...exporterOptions(config, settings),
    // The push sends `encodeProto(data)` or the JSON `encodeJson` writes from those bytes.
    sendsEncoded: true,
    ...helperOptions,
    start: async (host) => {
      auth = config.auth === null
        ? undefined
        : clientAuthenticatorOf(host, config.auth.authenticator, path);
      const tls = url.protocol === "https:"
        ? await loadTlsClientConfig(config.tls, `${path}::tls`)
        : {};
      const idleMs = parseConfigDuration(config.idle_conn_timeout, `${path}::idle_conn_timeout`);
      const pool: http.AgentOptions = {
        keepAlive: !config.disable_keep_alives,
        ...(config.max_conns_per_host > 0 ? { maxSockets: config.max_conns_per_host } : {}),
        maxFreeSockets: config.max_idle_conns_per_host || config.max_idle_conns || 100,
        ...(idleMs > 0 ? { timeout: idleMs } : {}),
      };
      agent = url.protocol === "https:"
        ? new https.Agent({ ...pool, ...tls })
        : new http.Agent(pool);
    },
    shutdown: () => {
      agent?.destroy();
    },
  });
}

function responsePartialSuccess<T>(
  response: RawResponse,
  signal: Pick<SignalDescriptor<T>, "responseSchema" | "rejection">,
  logger: Settings["telemetry"]["logger"],
): PartialSuccess | undefined {
  if (response.body.length === 0) return undefined;
  const contentType = response.headers.get("content-type") ?? "";
  let decoded;
  try {
    decoded = contentType.includes("json")
      ? fromJsonString(signal.responseSchema, new TextDecoder().decode(response.body), {
        ignoreUnknownFields: true,
      })
      : fromBinary(signal.responseSchema, response.body);
  } catch (error) {
    logger.debug("Could not decode the export response; assuming full success", {
      error: (error as Error).message,
    });
    return undefined;
  }
  return partialSuccessOf(signal.rejection(decoded), logger);
}
