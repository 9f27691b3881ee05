// The push endpoint, modelled on Pyroscope's `POST /ingest?name=app{k=v}&from=&until=&format=`:
// the body is a pprof or V8 profile (gzipped or not), as it is or as the `profile` part of a
// multipart form, as Pyroscope's SDKs send it.

import type { PlainValue } from "@denocol/pdata";
import type { ServerRequest, ServerResponse } from "@denocol/config";

/** What a push request says about its profile, besides the profile. */
export interface PushTarget {
  /** `service.name`, from the part of `name` before `{`; `undefined` when not given. */
  serviceName: string | undefined;
  /** Resource attributes from the `{k=v,…}` part of `name`. */
  labels: Record<string, PlainValue>;
  /** `from`, nanoseconds since the UNIX epoch, when given. */
  fromNanos: bigint | undefined;
  /** `until`, nanoseconds since the UNIX epoch, when given. */
  untilNanos: bigint | undefined;
}

/** A request that cannot be taken, with the status to answer. */
export class PushError extends Error {
  /** HTTP status of the answer. */
  readonly status: number;
  /** Creates the error. */
  constructor(status: number, message: string) {
    super(message);
    this.name = "PushError";
    this.status = status;
  }
}

/** A time in seconds, milliseconds, microseconds or nanoseconds since the epoch, in ns. */
function epochNanos(text: string | null, what: string): bigint | undefined {
  if (text === null || text === "") return undefined;
  if (!/^\d+$/.test(text)) throw new PushError(400, `${what}: expected a UNIX time, got ${text}`);
  const value = BigInt(text);
  // Pyroscope sends seconds; clients that send finer units are recognised by magnitude.
  if (value < 10n ** 11n) return value * 1_000_000_000n;
  if (value < 10n ** 14n) return value * 1_000_000n;
  if (value < 10n ** 17n) return value * 1_000n;
  return value;
}

/** Reads the query of a push request. */
export function parsePushQuery(query: string): PushTarget {
  const params = new URLSearchParams(query);
  const format = params.get("format");
  if (format !== null && format !== "" && format !== "pprof" && format !== "cpuprofile") {
    throw new PushError(
      415,
      `format ${JSON.stringify(format)} is not supported; send pprof or a V8 cpuprofile`,
    );
  }
  const name = params.get("name") ?? "";
  const brace = name.indexOf("{");
  const labels: Record<string, PlainValue> = {};
  if (brace >= 0) {
    if (!name.endsWith("}")) throw new PushError(400, `name: unbalanced braces in ${name}`);
    for (const pair of name.slice(brace + 1, -1).split(",")) {
      if (pair.trim() === "") continue;
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new PushError(400, `name: expected key=value, got ${pair}`);
      labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
  }
  const serviceName = (brace >= 0 ? name.slice(0, brace) : name).trim();
  return {
    serviceName: serviceName === "" ? undefined : serviceName,
    labels,
    fromNanos: epochNanos(params.get("from"), "from"),
    untilNanos: epochNanos(params.get("until"), "until"),
  };
}

/** The profile bytes of a push request: the whole body, or its multipart `profile` part. */
export async function pushBody(request: ServerRequest, maxBytes: number): Promise<Uint8Array> {
  const body = await request.readBody(maxBytes);
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) return body;
  let form: FormData;
  try {
    form = await new Response(body as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": type },
    }).formData();
  } catch (error) {
    throw new PushError(400, `cannot read the multipart body: ${(error as Error).message}`);
  }
  const part = form.get("profile");
  if (part === null) throw new PushError(400, "the multipart body has no profile part");
  return typeof part === "string"
    ? new TextEncoder().encode(part)
    : new Uint8Array(await part.arrayBuffer());
}

/** The answer for `error`: its own status for a `PushError`, 500 otherwise. */
export function errorAnswer(error: unknown, status = 500): ServerResponse {
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: error instanceof PushError ? error.status : status,
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: `${message}\n`,
  };
}
