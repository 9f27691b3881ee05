/** The five kinds of component a collector is assembled from. */
export type Kind = "receiver" | "processor" | "exporter" | "connector" | "extension";

/** Every {@linkcode Kind}, in pipeline order. */
export const KINDS: readonly Kind[] = [
  "receiver",
  "processor",
  "exporter",
  "connector",
  "extension",
];

/**
 * How mature a component is for one signal. `"undefined"` means the component does not
 * support the signal at all.
 */
export type StabilityLevel =
  | "undefined"
  | "unmaintained"
  | "deprecated"
  | "development"
  | "alpha"
  | "beta"
  | "stable";

/** Every {@linkcode StabilityLevel}, from "not supported" to the most mature. */
export const STABILITY_LEVELS: readonly StabilityLevel[] = [
  "undefined",
  "unmaintained",
  "deprecated",
  "development",
  "alpha",
  "beta",
  "stable",
];

/**
 * A stable telemetry signal that a pipeline carries, by the name the Go-style factory members are
 * built from (`createTraces`, `tracesStability`). `@denocol/pdata` describes each one; profiles
 * live in the experimental twins.
 */
export type Signal = "traces" | "metrics" | "logs";

/** Every stable {@linkcode Signal}. */
export const SIGNALS: readonly Signal[] = ["traces", "metrics", "logs"];

/** Thrown when a component ID, type or name is malformed; the message says what was expected. */
export class IDError extends Error {
  /** The text that failed to parse or validate. */
  readonly input: string;

  /**
   * Creates the error for `input`.
   *
   * @param input The offending text.
   * @param message What is wrong with it.
   */
  constructor(input: string, message: string) {
    super(message);
    this.name = "IDError";
    this.input = input;
  }
}

const TYPE_PATTERN = /^[a-zA-Z][0-9a-zA-Z_]{0,62}$/;

/** Throws {@linkcode IDError} unless `type` is a valid component type. */
function checkType(type: string, whole: string): void {
  if (!TYPE_PATTERN.test(type)) {
    throw new IDError(
      whole,
      `invalid component type ${JSON.stringify(type)} in ID ${JSON.stringify(whole)}: ` +
        `expected a letter followed by up to 62 letters, digits or underscores`,
    );
  }
}

/** Throws {@linkcode IDError} unless `name` is a valid component name. */
function checkName(name: string, whole: string): void {
  if (name.length === 0) {
    throw new IDError(
      whole,
      `empty component name in ID ${JSON.stringify(whole)}: expected text after "/"`,
    );
  }
  if (name.includes("/")) {
    throw new IDError(
      whole,
      `invalid component name ${JSON.stringify(name)} in ID ${JSON.stringify(whole)}: ` +
        `a name must not contain "/"`,
    );
  }
  if (name.trim() !== name) {
    throw new IDError(
      whole,
      `invalid component name ${JSON.stringify(name)} in ID ${JSON.stringify(whole)}: ` +
        `a name must not start or end with white space`,
    );
  }
}

/**
 * Identity of one configured component: its type (such as `otlp`) and an optional name that
 * tells instances of the same type apart (`otlp/internal`).
 */
export class ID {
  /** The component type, such as `otlp` or `batch`. */
  readonly type: string;
  /** The instance name, or `""` when the ID is the bare type. */
  readonly name: string;

  /**
   * Builds an ID and validates both parts.
   *
   * @param type Component type, matching `^[a-zA-Z][0-9a-zA-Z_]{0,62}$`.
   * @param name Optional instance name: non-empty, no `/`, no surrounding white space.
   * @throws {IDError} when a part is malformed.
   */
  constructor(type: string, name?: string) {
    const whole = name === undefined ? type : `${type}/${name}`;
    checkType(type, whole);
    if (name !== undefined) checkName(name, whole);
    this.type = type;
    this.name = name ?? "";
  }

  /**
   * Parses `type` or `type/name`, as written in a configuration file.
   *
   * @throws {IDError} when the text is not a valid ID.
   */
  static parse(text: string): ID {
    if (text.trim() !== text) {
      throw new IDError(
        text,
        `invalid component ID ${JSON.stringify(text)}: must not start or end with white space`,
      );
    }
    const slash = text.indexOf("/");
    if (slash < 0) return new ID(text);
    return new ID(text.slice(0, slash), text.slice(slash + 1));
  }

  /** Formats the ID as `type` or `type/name`, the inverse of {@linkcode ID.parse}. */
  toString(): string {
    return this.name === "" ? this.type : `${this.type}/${this.name}`;
  }

  /** Whether `other` has the same type and name. */
  equals(other: ID): boolean {
    return this.type === other.type && this.name === other.name;
  }
}
