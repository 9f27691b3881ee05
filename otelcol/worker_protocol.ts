// What the supervisor of `otelcol --workers=N` and its worker processes tell each other.
//
// The supervisor writes JSON lines to a worker's stdin. A worker writes its messages to its
// stdout as lines that start with a record separator and a token the supervisor chose for the
// run, followed by JSON; every other line there (a debug exporter writing to stdout) is output
// the supervisor passes on. Telemetry data a component prints cannot forge a message: it does
// not know the token.

import type { InstrumentSnapshot } from "@denocol/component";
import type { ConfigNode, MapEntry, Position } from "@denocol/service";

/** What a worker is told first: which it is, and the configuration every worker runs. */
export interface InitMessage {
  readonly type: "init";
  /** This worker's number, from 0. */
  readonly index: number;
  /** How many workers the collector runs. */
  readonly count: number;
  /** Starts each message line the worker writes. */
  readonly token: string;
  /** The loaded and expanded configuration tree ({@linkcode nodeToJson}). */
  readonly config: unknown;
  /** The `--feature-gates` value. */
  readonly featureGates: string;
}

/** Messages from the supervisor to a worker. */
export type SupervisorMessage =
  | InitMessage
  /** The memory the rest of the collector holds, in bytes. */
  | { readonly type: "memory"; readonly elsewhere: number }
  /** Asks for a snapshot of the worker's metrics. */
  | { readonly type: "scrape"; readonly id: number };

/** Messages from a worker to the supervisor. */
export type WorkerMessage =
  /** The collector started: every listener is bound. */
  | { readonly type: "ready" }
  /** The collector could not start. */
  | { readonly type: "start-failed"; readonly message: string }
  /** One line of the collector's log, formatted. */
  | { readonly type: "log"; readonly line: string }
  /** The memory the worker's limiters measure of it (`heapUsed + external`), in bytes. */
  | { readonly type: "memory"; readonly bytes: number }
  /** The answer to a scrape. */
  | {
    readonly type: "metrics";
    readonly id: number;
    readonly instruments: readonly InstrumentSnapshot[];
  };

/** Starts every message line a worker writes, before the run's token. */
export const MESSAGE_MARK = "\u001e";

/** A line holding `message`, as a worker writes it to its stdout. */
export function messageLine(token: string, message: WorkerMessage): string {
  return `${MESSAGE_MARK}${token}${JSON.stringify(message)}\n`;
}

/** The message a worker's stdout line holds, or `undefined` for other output. */
export function parseMessageLine(token: string, line: string): WorkerMessage | undefined {
  if (!line.startsWith(MESSAGE_MARK + token)) return undefined;
  try {
    const message = JSON.parse(line.slice(MESSAGE_MARK.length + token.length));
    return typeof message === "object" && message !== null && typeof message.type === "string"
      ? message as WorkerMessage
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Splits a byte stream into lines: `onLines` gets every complete line of a chunk at once (with
 * their newlines), so that a line is never passed on in pieces.
 */
export async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLines: (lines: string[]) => void,
): Promise<void> {
  let rest = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + text).split("\n");
    rest = lines.pop()!;
    if (lines.length > 0) onLines(lines);
  }
  if (rest !== "") onLines([rest]);
}

type NodeJson =
  | { s: string | number | boolean | null; n?: string; t?: string; p?: Position }
  | { m: [string, NodeJson, Position | undefined][]; p?: Position }
  | { l: NodeJson[]; p?: Position };

/**
 * A configuration tree as JSON, with its positions and the source text of expanded values, so
 * that a worker validates exactly what the supervisor did without reading or expanding any
 * source again (a file may have changed since, and an expanded value may itself contain `${`).
 */
export function nodeToJson(node: ConfigNode): NodeJson {
  const p = node.position;
  switch (node.kind) {
    case "scalar": {
      const value = node.value;
      // Infinity and NaN (YAML's .inf, .nan) have no JSON form.
      const json: NodeJson = typeof value === "number" && !Number.isFinite(value)
        ? { s: null, n: String(value) }
        : { s: value };
      if (node.text !== undefined) json.t = node.text;
      if (p !== undefined) json.p = p;
      return json;
    }
    case "map":
      return {
        m: [...node.entries.values()].map((e) => [e.key, nodeToJson(e.value), e.keyPosition]),
        ...(p !== undefined ? { p } : {}),
      };
    case "list":
      return { l: node.items.map(nodeToJson), ...(p !== undefined ? { p } : {}) };
  }
}

/** The configuration tree {@linkcode nodeToJson} wrote. */
export function nodeFromJson(json: unknown): ConfigNode {
  const value = json as NodeJson;
  if (typeof value !== "object" || value === null) {
    throw new TypeError("the configuration sent to the worker is not a tree");
  }
  const position = value.p;
  if ("m" in value) {
    const entries = new Map<string, MapEntry>();
    for (const [key, item, keyPosition] of value.m) {
      entries.set(key, { key, value: nodeFromJson(item), keyPosition: keyPosition ?? undefined });
    }
    return { kind: "map", entries, position };
  }
  if ("l" in value) return { kind: "list", items: value.l.map(nodeFromJson), position };
  const scalar = value.n !== undefined ? Number(value.n) : value.s;
  return value.t !== undefined
    ? { kind: "scalar", value: scalar, position, text: value.t }
    : { kind: "scalar", value: scalar, position };
}
