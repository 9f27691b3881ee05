import {
  clone,
  create,
  type DescMessage,
  type DescService,
  type Message,
} from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import { createJsonCodec, type IdFields, OTLP_ID_FIELDS } from "./json.ts";
import { createProtoCodec, type ProtoCodec } from "./proto.ts";
import { DecodeBudgetError, type DecodeCost, type DecodeOptions } from "./errors.ts";
import { type OtlpDefinition, otlpExchange, type OtlpRejection } from "./otlp.ts";
import { copyEncoded, encodedForm, encodedValue, mergeEncoded } from "./encoded.ts";
import { splitEncoded, type WireLayout, WireSplitUnsupported } from "./encoded_split.ts";

/**
 * Everything denocol knows about one telemetry signal, in one object: its name, what its items
 * are called, how OTLP carries it (HTTP path, gRPC service, request and response messages,
 * partial success), its two wire formats, and what a pipeline does with its data (count, split,
 * merge, copy). `@denocol/pdata` defines one for each stable signal ({@link traces},
 * {@link metrics}, {@link logs}, together in {@link SIGNALS}) and `@denocol/pdata-experimental`
 * one for profiles. A component that needs only part of it takes a `Pick` of it.
 *
 * `split` and `merge` take ownership of their input: items move into the result rather than being
 * copied, so the input must not be used afterwards. Clone first to keep it.
 *
 * @typeParam T the data of the signal (such as {@link Traces})
 * @typeParam N the name of the signal (such as `"traces"`)
 */
export interface SignalDescriptor<T = unknown, N extends string = string> {
  /** The signal's name, which a pipeline ID starts with: `traces`, `metrics`, `logs`, `profiles`. */
  readonly name: N;
  /**
   * What the items are called in internal metric names: `spans`, `metric_points`,
   * `log_records`, `profile_samples` (as in `otelcol_receiver_accepted_spans`).
   */
  readonly itemName: string;
  /** The OTLP/HTTP path, such as `/v1/traces`. */
  readonly httpPath: string;
  /** The gRPC service with its single `Export` method. */
  readonly service: DescService;
  /** The `Export*ServiceRequest` message type. */
  readonly requestSchema: DescMessage;
  /** The `Export*ServiceResponse` message type. */
  readonly responseSchema: DescMessage;
  /** The export request carrying `data` (sharing its resource groups). */
  toRequest(data: T): Message;
  /** The data of a decoded export request (sharing its resource groups). */
  fromRequest(request: Message): T;
  /**
   * What a decoded response says was rejected, or `undefined` for a full success (no
   * `partial_success`, or one with zero items and no message).
   */
  rejection(response: Message): OtlpRejection | undefined;
  /** A response reporting `rejection` as partial success, or full success without one. */
  response(rejection?: OtlpRejection): Message;
  /**
   * Decodes protobuf bytes (a `*Data` message or the wire-identical `Export*ServiceRequest`, so
   * also an OTLP/HTTP body). Throws {@link DecodeError} on invalid input, and
   * {@link DecodeBudgetError} when the decoded objects would take more than
   * `options.maxMemoryBytes`; `cost`, if given, receives their estimated memory.
   */
  decodeProto(bytes: Uint8Array, options?: DecodeOptions, cost?: DecodeCost): T;
  /**
   * The data of protobuf bytes, as {@link SignalDescriptor.decodeProto} would decode them, but
   * kept in their encoded form: the bytes are checked now by a scan that allocates nothing,
   * and decoded only when a field of the data is first read. `options.maxMemoryBytes` and
   * `cost` apply to what decoding would take (so that admission holds whether or not a
   * component later reads the data), and throw {@link DecodeBudgetError} as decoding does. Until then counting, merging,
   * copying and encoding the data cost next to nothing, so a request that no component reads
   * leaves as the bytes it came in. Input the scan refuses is decoded at once, which throws the
   * decoder's error (or, for the rare input only the scan refuses, returns the decoded data).
   * The bytes must not be written to afterwards.
   */
  fromProto(bytes: Uint8Array, options?: DecodeOptions, cost?: DecodeCost): T;
  /**
   * Encodes protobuf bytes, which a receiver of the `Export*ServiceRequest` accepts: the bytes
   * data came in as, when it still has them and no one has read it.
   */
  encodeProto(data: T): Uint8Array;
  /**
   * `data` in its encoded form, for a component that holds data for a while (such as `batch`):
   * `data` itself when it still has that form, otherwise a value over its protobuf encoding
   * (which `data`'s later changes do not reach). A request a processor has read is a graph of
   * objects several times the size of its bytes, and objects that live past a few collections
   * make every full collection of V8's heap mark them; bytes cost it nothing, and the exporter
   * would encode them anyway. Signals whose merge does not concatenate bytes (profiles), and data
   * that does not encode, are returned unchanged.
   */
  encoded(data: T): T;
  /** Decodes an OTLP/JSON document. Throws {@link DecodeError} on invalid input. */
  decodeJson(text: string | Uint8Array): T;
  /** Encodes an OTLP/JSON document. */
  encodeJson(data: T): string;
  /** Counts the items: spans, metric data points, log records or profile samples. */
  count(data: T): number;
  /**
   * Splits into chunks of at most `maxItems` items; each chunk repeats the resource and scope
   * (and, for metrics, the metric's description) of its items. Returns `[data]` when it fits.
   */
  split(data: T, maxItems: number): T[];
  /** Concatenates the resource groups of every part into one value. */
  merge(parts: readonly T[]): T;
  /** A deep copy that shares nothing with `data`. */
  clone(data: T): T;
  /** A value without items. */
  empty(): T;
}

/**
 * A table of signals by name whose every descriptor is filed under its own name, as
 * {@link signalTable} checks.
 */
export type SignalTable<M> = { readonly [K in keyof M]: SignalDescriptor<unknown, K & string> };

/**
 * Returns `signals` unchanged; its type checks that each descriptor is filed under its own name
 * (`{ traces: metrics }` does not compile).
 *
 * @param signals descriptors by name
 */
export function signalTable<M extends SignalTable<M>>(signals: M): M {
  return signals;
}

/** The data type a {@link SignalDescriptor} describes: `DataOf<typeof traces>` is `Traces`. */
export type DataOf<D> = D extends SignalDescriptor<infer T, string> ? T : never;

/** What {@link defineSignal} builds a {@link SignalDescriptor} from: the signal-specific parts. */
export interface SignalDefinition<
  T extends Message,
  N extends string,
  Req extends Message,
  Res extends Message,
> {
  /** The signal's name. */
  name: N;
  /** What the items are called in internal metric names. */
  itemName: string;
  /** The message type of the data (such as `TracesDataSchema`). */
  schema: GenMessage<T>;
  /** How OTLP carries the data. */
  otlp: OtlpDefinition<T, Req, Res>;
  /** Bytes fields written as hex in OTLP/JSON and length-checked; default {@link OTLP_ID_FIELDS}. */
  idFields?: IdFields;
  /** Counts the items. */
  count(data: T): number;
  /** Splits into chunks of at most `maxItems` items; `maxItems` is already validated. */
  split(data: T, maxItems: number): T[];
  /** Merges parts into one value. */
  merge(parts: readonly T[]): T;
  /** Deep copy; default protobuf-es `clone`. */
  clone?(data: T): T;
  /**
   * The binary codec; default {@link createProtoCodec} (protobuf-es reflection). The OTLP signals
   * pass their generated schema-specific codec (`createWireCodec` of `@denocol/pdata/wire`),
   * several times faster.
   */
  proto?: ProtoCodec<T>;
  /**
   * Validates protobuf bytes as the decoder would, without building the data, and returns the
   * item count; throws on input it refuses, and {@link DecodeBudgetError} when decoding would
   * take more than `options.maxMemoryBytes` (`cost` receives that estimate). With it,
   * {@link SignalDescriptor.fromProto} keeps data in its encoded form; without it, `fromProto`
   * decodes.
   */
  scan?(bytes: Uint8Array, options?: DecodeOptions, cost?: DecodeCost): number;
  /**
   * Where the data's levels are on the wire. With it, {@link SignalDescriptor.split} cuts data
   * that still has its encoded form on its bytes (`splitEncoded`) instead of decoding it.
   */
  wireLayout?: WireLayout;
  /**
   * Whether concatenating encoded values is their merge (true for the OTLP `*Data` messages,
   * which hold only a repeated resource group field; not for profiles, whose dictionary
   * indices would then point into the wrong tables). Default false.
   */
  mergesByConcatenation?: boolean;
  /**
   * Writes the OTLP/JSON document of protobuf bytes without decoding them into objects, exactly
   * as {@link SignalDescriptor.encodeJson} writes the decoded data (the generated transcoder of
   * `createJsonTranscoder` of `@denocol/pdata/wire`, made for the same id fields). With it,
   * `encodeJson` of data still in its encoded form reads the bytes rather than the fields.
   */
  jsonFromProto?(bytes: Uint8Array): string;
}

/**
 * Builds the {@link SignalDescriptor} of a signal from its schema, its counting, splitting and
 * merging and its OTLP messages, with the codecs of {@link createProtoCodec} (unless `proto` is
 * given) and {@link createJsonCodec}.
 *
 * @param definition the signal-specific parts
 */
export function defineSignal<
  T extends Message,
  N extends string,
  Req extends Message,
  Res extends Message,
>(definition: SignalDefinition<T, N, Req, Res>): SignalDescriptor<T, N> {
  const idFields = definition.idFields ?? OTLP_ID_FIELDS;
  const schema = definition.schema;
  const proto = definition.proto ?? createProtoCodec(schema, idFields);
  const json = createJsonCodec(schema, idFields);
  const deepCopy = definition.clone ?? ((data: T) => clone(schema, data));
  const countObjects = definition.count;
  const count = (data: T): number => encodedForm(data)?.items ?? countObjects(data);
  const scan = definition.scan;
  const jsonFromProto = definition.jsonFromProto;
  return {
    name: definition.name,
    itemName: definition.itemName,
    ...otlpExchange(definition.otlp),
    decodeProto: proto.decode,
    fromProto(bytes: Uint8Array, options?: DecodeOptions, cost?: DecodeCost): T {
      if (scan !== undefined) {
        let items: number | undefined;
        try {
          items = scan(bytes, options, cost);
        } catch (error) {
          if (error instanceof DecodeBudgetError) throw error;
          // Decoding gives the decoder's own verdict and message.
        }
        if (items !== undefined) {
          return encodedValue(schema, bytes, items, (b) => proto.decode(b));
        }
      }
      return proto.decode(bytes, options, cost);
    },
    encodeProto: (data: T) => encodedForm(data)?.bytes ?? proto.encode(data),
    encoded(data: T): T {
      if (!definition.mergesByConcatenation || encodedForm(data) !== undefined) return data;
      let bytes: Uint8Array;
      try {
        bytes = proto.encode(data);
      } catch {
        // The exporter, which encodes it again, reports why, where the error belongs.
        return data;
      }
      return encodedValue(schema, bytes, countObjects(data), (b) => proto.decode(b));
    },
    decodeJson: json.decode,
    encodeJson(data: T): string {
      const form = jsonFromProto === undefined ? undefined : encodedForm(data);
      if (form !== undefined) {
        try {
          return jsonFromProto!(form.bytes);
        } catch {
          // The scan passed these bytes, so the transcoder takes them too; were it ever to
          // refuse them, the decoder has the last word.
        }
      }
      return json.encode(data);
    },
    count,
    split(data: T, maxItems: number): T[] {
      if (!Number.isInteger(maxItems) || maxItems < 1) {
        throw new RangeError(
          `split of ${schema.typeName}: maxItems must be a positive integer, got ${maxItems}`,
        );
      }
      if (count(data) <= maxItems) return [data];
      const form = definition.wireLayout === undefined ? undefined : encodedForm(data);
      if (form !== undefined) {
        try {
          return splitEncoded(definition.wireLayout!, form.bytes, maxItems).map((chunk) =>
            encodedValue(schema, chunk.bytes, chunk.items, (b) => proto.decode(b))
          );
        } catch (error) {
          if (!(error instanceof WireSplitUnsupported)) throw error;
        }
      }
      return definition.split(data, maxItems);
    },
    merge(parts: readonly T[]): T {
      if (parts.length === 1) return parts[0];
      if (
        !definition.mergesByConcatenation ||
        !parts.some((part) => encodedForm(part) !== undefined)
      ) return definition.merge(parts);
      // Some parts are still bytes: the others are encoded (they are sent encoded anyway) and
      // everything is concatenated, rather than every encoded part being decoded.
      const encoded = parts.map((part) =>
        encodedForm(part) === undefined
          ? encodedValue(schema, proto.encode(part), countObjects(part), (b) => proto.decode(b))
          : part
      );
      return mergeEncoded(schema, encoded)!;
    },
    clone: (data: T) => copyEncoded(schema, data) ?? deepCopy(data),
    empty(): T {
      return create(schema);
    },
  };
}
