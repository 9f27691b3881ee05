import {
  type AnyValue,
  bytesToHex,
  type InstrumentationScope,
  type KeyValue,
  type Resource,
} from "@denocol/pdata";

/** Turns a string-table index into its string, for profiles; absent elsewhere. */
export type StringLookup = (index: number) => string;

/** A value with its type, as `Str(GET)`, `Int(200)`, `Map({"a":Bool(true)})`. */
export function formatValue(value: AnyValue | undefined, lookup?: StringLookup): string {
  const v = value?.value;
  switch (v?.case) {
    case undefined:
      return "Empty()";
    case "stringValue":
      return `Str(${v.value})`;
    case "stringValueStrindex":
      return `Str(${lookup ? lookup(v.value) : `#${v.value}`})`;
    case "boolValue":
      return `Bool(${v.value})`;
    case "intValue":
      return `Int(${v.value})`;
    case "doubleValue":
      return `Double(${v.value})`;
    case "bytesValue":
      return `Bytes(${bytesToHex(v.value)})`;
    case "arrayValue":
      return `Slice([${v.value.values.map((item) => formatValue(item, lookup)).join(", ")}])`;
    case "kvlistValue":
      return `Map({${
        v.value.values.map((kv) =>
          `${JSON.stringify(keyOf(kv, lookup))}: ${formatValue(kv.value, lookup)}`
        )
          .join(", ")
      }})`;
  }
}

/** A value without its type, for the one-line (normal) form. */
export function plainValue(value: AnyValue | undefined, lookup?: StringLookup): string {
  const v = value?.value;
  if (v === undefined || v.case === undefined) return "";
  switch (v.case) {
    case "stringValue":
      return v.value;
    case "stringValueStrindex":
      return lookup ? lookup(v.value) : `#${v.value}`;
    case "bytesValue":
      return bytesToHex(v.value);
    case "arrayValue":
      return `[${v.value.values.map((item) => plainValue(item, lookup)).join(",")}]`;
    case "kvlistValue":
      return `{${
        v.value.values.map((kv) => `${keyOf(kv, lookup)}=${plainValue(kv.value, lookup)}`).join(",")
      }}`;
    default:
      return String(v.value);
  }
}

/** The key of an attribute, resolving a string-table reference when there is one. */
export function keyOf(kv: KeyValue, lookup?: StringLookup): string {
  if (kv.key === "" && kv.keyStrindex !== 0 && lookup) return lookup(kv.keyStrindex);
  return kv.key;
}

/** Attributes as `k=v` pairs joined by `separator`. */
export function plainAttributes(attributes: readonly KeyValue[], separator = " "): string {
  return attributes.map((kv) => `${keyOf(kv)}=${plainValue(kv.value)}`).join(separator);
}

/** A timestamp in nanoseconds since the epoch as ISO 8601 with nanoseconds; `0` stays `0`. */
export function formatTime(unixNano: bigint): string {
  if (unixNano === 0n) return "0 (unset)";
  const millis = unixNano / 1_000_000n;
  const iso = new Date(Number(millis)).toISOString(); // 2024-01-02T03:04:05.678Z
  const nanos = (unixNano % 1_000_000_000n).toString().padStart(9, "0");
  return `${iso.slice(0, 19)}.${nanos}Z`;
}

/** Hex of an ID, or `(empty)` when it has no bytes. */
export function formatId(bytes: Uint8Array): string {
  return bytes.length === 0 ? "(empty)" : bytesToHex(bytes);
}

/** Collects indented lines. */
export class TextBuilder {
  /** The lines written so far. */
  readonly lines: string[] = [];

  /** Adds `text` indented by `depth` levels of two spaces. */
  line(depth: number, text: string): void {
    this.lines.push(`${"  ".repeat(depth)}${text}`);
  }

  /** Adds `label: value` lines for each attribute, under a heading, or nothing when empty. */
  attributes(
    depth: number,
    heading: string,
    attributes: readonly KeyValue[],
    lookup?: StringLookup,
  ): void {
    if (attributes.length === 0) return;
    this.line(depth, `${heading}:`);
    for (const kv of attributes) {
      this.line(depth + 1, `-> ${keyOf(kv, lookup)}: ${formatValue(kv.value, lookup)}`);
    }
  }

  /** The resource part of a resource group. */
  resource(depth: number, resource: Resource | undefined, schemaUrl: string): void {
    if (schemaUrl !== "") this.line(depth, `Schema URL: ${schemaUrl}`);
    this.attributes(depth, "Resource attributes", resource?.attributes ?? []);
    if (resource && resource.droppedAttributesCount > 0) {
      this.line(depth, `Resource dropped attributes: ${resource.droppedAttributesCount}`);
    }
    for (const entity of resource?.entityRefs ?? []) {
      this.line(
        depth,
        `Entity ${entity.type}: ids [${entity.idKeys.join(", ")}], descriptions [${
          entity.descriptionKeys.join(", ")
        }]`,
      );
    }
  }

  /** The scope part of a scope group. */
  scope(depth: number, scope: InstrumentationScope | undefined, schemaUrl: string): void {
    this.line(depth, `Scope: ${scopeName(scope)}`);
    if (schemaUrl !== "") this.line(depth, `Schema URL: ${schemaUrl}`);
    this.attributes(depth, "Scope attributes", scope?.attributes ?? []);
  }
}

/** `name@version`, `name`, or `(unnamed)`. */
export function scopeName(scope: InstrumentationScope | undefined): string {
  const name = scope?.name || "(unnamed)";
  return scope?.version ? `${name}@${scope.version}` : name;
}

/** The heading of a resource group in the normal form: its index and attributes. */
export function resourceHeading(
  kind: string,
  index: number,
  resource: Resource | undefined,
  schemaUrl: string,
): string {
  const parts = [`${kind} #${index}`];
  if (schemaUrl !== "") parts.push(`[${schemaUrl}]`);
  const attributes = plainAttributes(resource?.attributes ?? []);
  if (attributes !== "") parts.push(attributes);
  return parts.join(" ");
}

/** The heading of a scope group in the normal form. */
export function scopeHeading(
  kind: string,
  index: number,
  scope: InstrumentationScope | undefined,
  schemaUrl: string,
): string {
  const parts = [`${kind} #${index}`, scopeName(scope)];
  if (schemaUrl !== "") parts.push(`[${schemaUrl}]`);
  const attributes = plainAttributes(scope?.attributes ?? []);
  if (attributes !== "") parts.push(attributes);
  return parts.join(" ");
}
