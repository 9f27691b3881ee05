/** Attribute values attached to log records and metric points. */
export type AttributeValue = string | number | boolean;

/** A set of attributes, such as `{ receiver: "otlp", transport: "grpc" }`. */
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** Severity of an internal log record, from the most verbose. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Every {@linkcode LogLevel}, from the most verbose to the most severe. */
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** Structured logger for the collector's own logs. */
export interface Logger {
  /** Logs detail useful only while debugging. */
  debug(message: string, attributes?: Attributes): void;
  /** Logs a normal event. */
  info(message: string, attributes?: Attributes): void;
  /** Logs something unexpected that the collector recovered from. */
  warn(message: string, attributes?: Attributes): void;
  /** Logs a failure. */
  error(message: string, attributes?: Attributes): void;
  /** Returns a logger that adds `attributes` to every record it writes. */
  with(attributes: Attributes): Logger;
}

/** A logger that discards everything. */
export function nopLogger(): Logger {
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error() {},
    with: () => logger,
  };
  return logger;
}

/** Options of {@linkcode newLogger}. */
export interface LoggerOptions {
  /** Records below this level are dropped; default `info`. */
  readonly level?: LogLevel;
  /**
   * `console` (default): tab-separated time, level, message and the attributes as JSON; `json`:
   * one object with `level`, `ts`, `msg` and the attributes, as the Go collector's JSON logs.
   */
  readonly encoding?: "console" | "json";
  /** Fields added to every record (`service.telemetry.logs.initial_fields`). */
  readonly initialFields?: Readonly<Record<string, unknown>>;
  /** Where each line goes; default {@linkcode writeStderr}. */
  readonly write?: (line: string) => void;
  /**
   * Also called with each record that passes the level, after its line is written: where the
   * collector's own logs go to an OpenTelemetry `LoggerProvider` (`service.telemetry.logs.
   * processors`).
   */
  readonly onRecord?: (record: LogRecordEvent) => void;
}

/** A record as {@linkcode LoggerOptions.onRecord} receives it. */
export interface LogRecordEvent {
  /** Its level. */
  readonly level: LogLevel;
  /** Its message. */
  readonly message: string;
  /** When it was written, ms since the epoch. */
  readonly timeMs: number;
  /** The logger's fields and the record's attributes (initial fields included). */
  readonly attributes: Readonly<Record<string, unknown>>;
}

const encoder = new TextEncoder();

/** Writes `text` whole to `target`, synchronously. */
export function writeAllSync(target: { writeSync(bytes: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += target.writeSync(bytes.subarray(offset));
}

/** Writes `line` and a newline to standard error, synchronously so no line is lost on exit. */
export function writeStderr(line: string): void {
  writeAllSync(Deno.stderr, `${line}\n`);
}

/**
 * The collector's structured logger: one line per record, in the `console` or `json` encoding
 * of {@linkcode LoggerOptions}.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { newLogger } from "@denocol/component";
 *
 * const lines: string[] = [];
 * const logger = newLogger({ encoding: "json", write: (line) => lines.push(line) });
 * logger.with({ receiver: "otlp" }).info("Starting GRPC server", { endpoint: "0.0.0.0:4317" });
 * const record = JSON.parse(lines[0]);
 * assert.equal(record.msg, "Starting GRPC server");
 * assert.equal(record.receiver, "otlp");
 * ```
 */
export function newLogger(options: LoggerOptions = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level ?? "info");
  const write = options.write ?? writeStderr;
  const json = options.encoding === "json";
  const onRecord = options.onRecord;
  const make = (base: Readonly<Record<string, unknown>>): Logger => {
    const log = (level: LogLevel) => (message: string, attributes?: Attributes) => {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const fields = { ...base, ...attributes };
      const now = new Date();
      const ts = now.toISOString();
      if (json) {
        write(JSON.stringify({ level, ts, msg: message, ...fields }));
      } else {
        const suffix = Object.keys(fields).length > 0 ? `\t${JSON.stringify(fields)}` : "";
        write(`${ts}\t${level}\t${message}${suffix}`);
      }
      onRecord?.({ level, message, timeMs: now.getTime(), attributes: fields });
    };
    return {
      debug: log("debug"),
      info: log("info"),
      warn: log("warn"),
      error: log("error"),
      with: (attributes) => make({ ...base, ...attributes }),
    };
  };
  return make({ ...options.initialFields });
}

/** Description of an instrument, used in exposition. */
export interface InstrumentOptions {
  /** Human-readable description (the Prometheus `# HELP` line). */
  description?: string;
  /** Unit, such as `{spans}` or `By`. */
  unit?: string;
}

/** A monotonic sum. */
export interface Counter {
  /** Adds a non-negative `value` to the series selected by `attributes`. */
  add(value: number, attributes?: Attributes): void;
}

/** A sum that can go up and down, such as a queue size. */
export interface UpDownCounter {
  /** Adds `value` (possibly negative) to the series selected by `attributes`. */
  add(value: number, attributes?: Attributes): void;
}

/** A last-value instrument. */
export interface Gauge {
  /** Sets the series selected by `attributes` to `value`. */
  record(value: number, attributes?: Attributes): void;
}

/**
 * Creates the instruments of the collector's internal telemetry. Asking twice for the same
 * name and kind returns the same instrument, so every component of one type shares it and
 * tells itself apart by attributes.
 */
export interface Meter {
  /** Returns the counter called `name`. */
  counter(name: string, options?: InstrumentOptions): Counter;
  /** Returns the up-down counter called `name`. */
  upDownCounter(name: string, options?: InstrumentOptions): UpDownCounter;
  /** Returns the gauge called `name`. */
  gauge(name: string, options?: InstrumentOptions): Gauge;
}

/** A meter whose instruments record nothing. */
export function nopMeter(): Meter {
  const nop = { add() {}, record() {} };
  return { counter: () => nop, upDownCounter: () => nop, gauge: () => nop };
}

/** Kind of an instrument in a {@linkcode MetricsRegistry}. */
export type InstrumentKind = "counter" | "upDownCounter" | "gauge";

/** The current value of one series of an instrument. */
export interface SeriesSnapshot {
  /** The attributes that select the series. */
  attributes: Attributes;
  /** Current sum or last value. */
  value: number;
}

/** The current state of one instrument. */
export interface InstrumentSnapshot {
  /** Instrument name. */
  name: string;
  /** Instrument kind. */
  kind: InstrumentKind;
  /** Description given at creation, or `""`. */
  description: string;
  /** Unit given at creation, or `""`. */
  unit: string;
  /** Every series recorded so far. */
  series: SeriesSnapshot[];
}

const METRIC_NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Canonical key of an attribute set: sorted, so insertion order does not split a series. */
function seriesKey(attributes: Attributes): string {
  return JSON.stringify(Object.keys(attributes).sort().map((k) => [k, attributes[k]]));
}

class Instrument {
  readonly series = new Map<string, SeriesSnapshot>();

  constructor(
    readonly name: string,
    readonly kind: InstrumentKind,
    readonly description: string,
    readonly unit: string,
  ) {}

  update(value: number, attributes: Attributes | undefined, replace: boolean): void {
    if (!Number.isFinite(value)) {
      throw new RangeError(`instrument ${this.name}: value ${value} is not a finite number`);
    }
    if (this.kind === "counter" && value < 0) {
      throw new RangeError(
        `counter ${this.name}: cannot add negative value ${value}; use an up-down counter`,
      );
    }
    const attrs = attributes ?? {};
    const key = seriesKey(attrs);
    const existing = this.series.get(key);
    if (existing === undefined) {
      this.series.set(key, { attributes: { ...attrs }, value });
    } else {
      existing.value = replace ? value : existing.value + value;
    }
  }
}

function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

function escapeHelp(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toFixed(0) : String(value);
}

/**
 * A {@linkcode Meter} that keeps every instrument in memory and renders them in the Prometheus
 * text exposition format, for the collector's `/metrics` endpoint and for tests.
 */
export class MetricsRegistry implements Meter {
  readonly #instruments = new Map<string, Instrument>();

  #get(name: string, kind: InstrumentKind, options: InstrumentOptions | undefined): Instrument {
    if (!METRIC_NAME_PATTERN.test(name)) {
      throw new RangeError(
        `invalid metric name ${JSON.stringify(name)}: expected [a-zA-Z_:][a-zA-Z0-9_:]*`,
      );
    }
    const existing = this.#instruments.get(name);
    if (existing !== undefined) {
      if (existing.kind !== kind) {
        throw new TypeError(
          `metric ${name} is already registered as a ${existing.kind}, not a ${kind}`,
        );
      }
      return existing;
    }
    const created = new Instrument(name, kind, options?.description ?? "", options?.unit ?? "");
    this.#instruments.set(name, created);
    return created;
  }

  /** Returns the counter called `name`, creating it on first use. */
  counter(name: string, options?: InstrumentOptions): Counter {
    const instrument = this.#get(name, "counter", options);
    return { add: (value, attributes) => instrument.update(value, attributes, false) };
  }

  /** Returns the up-down counter called `name`, creating it on first use. */
  upDownCounter(name: string, options?: InstrumentOptions): UpDownCounter {
    const instrument = this.#get(name, "upDownCounter", options);
    return { add: (value, attributes) => instrument.update(value, attributes, false) };
  }

  /** Returns the gauge called `name`, creating it on first use. */
  gauge(name: string, options?: InstrumentOptions): Gauge {
    const instrument = this.#get(name, "gauge", options);
    return { record: (value, attributes) => instrument.update(value, attributes, true) };
  }

  /** Copies the current state of every instrument, in registration order. */
  collect(): InstrumentSnapshot[] {
    return [...this.#instruments.values()].map((i) => ({
      name: i.name,
      kind: i.kind,
      description: i.description,
      unit: i.unit,
      series: [...i.series.values()].map((s) => ({
        attributes: { ...s.attributes },
        value: s.value,
      })),
    }));
  }

  /**
   * The current value of the series of `name` whose attributes include every pair in
   * `attributes`, summed; `undefined` when the instrument or no matching series exists.
   */
  value(name: string, attributes: Attributes = {}): number | undefined {
    const instrument = this.#instruments.get(name);
    if (instrument === undefined) return undefined;
    let total: number | undefined;
    for (const series of instrument.series.values()) {
      const matches = Object.entries(attributes).every(([k, v]) => series.attributes[k] === v);
      if (matches) total = (total ?? 0) + series.value;
    }
    return total;
  }

  /**
   * Renders every instrument in the Prometheus text format (version 0.0.4). Counters get the
   * conventional `_total` suffix; attribute names that are not valid label names have their
   * invalid characters replaced by `_`.
   */
  renderPrometheus(): string {
    const lines: string[] = [];
    for (const instrument of this.#instruments.values()) {
      const exposed = instrument.kind === "counter" && !instrument.name.endsWith("_total")
        ? `${instrument.name}_total`
        : instrument.name;
      if (instrument.description !== "") {
        lines.push(`# HELP ${exposed} ${escapeHelp(instrument.description)}`);
      }
      lines.push(`# TYPE ${exposed} ${instrument.kind === "counter" ? "counter" : "gauge"}`);
      for (const series of instrument.series.values()) {
        const labels = Object.keys(series.attributes).sort().map((key) => {
          const label = LABEL_NAME_PATTERN.test(key)
            ? key
            : key.replace(/[^a-zA-Z0-9_]/g, "_").replace(/^(?=[0-9])/, "_");
          return `${label}="${escapeLabelValue(String(series.attributes[key]))}"`;
        });
        const labelText = labels.length > 0 ? `{${labels.join(",")}}` : "";
        lines.push(`${exposed}${labelText} ${formatNumber(series.value)}`);
      }
    }
    return lines.length > 0 ? `${lines.join("\n")}\n` : "";
  }
}

/** What a component gets to report on itself: its logger and its meter. */
export interface TelemetrySettings {
  /** Logger for the component's own logs, already carrying its identity. */
  logger: Logger;
  /** Meter for the component's internal metrics. */
  meter: Meter;
}
