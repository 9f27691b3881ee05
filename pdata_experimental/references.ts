/**
 * Every dictionary reference of encoded profiles, found without decoding them. The walkers report
 * each index to a {@link ReferenceVisitor} in the order the object merge (`merge_split.ts`,
 * `remapper.ts`) translates them, so that merging the bytes builds the same dictionary; checking
 * them against the table lengths is {@link referencesInRange}.
 *
 * @module
 */

import {
  ATTRIBUTE,
  FUNCTION,
  LEFT_TO_DECODER,
  LeftToDecoder,
  LINK,
  LOCATION,
  MAPPING,
  ProfilesLayout,
  STACK,
  STRING,
  WireCursor,
} from "./wire_bytes.ts";

/** What the walkers report each index to. */
export interface ReferenceVisitor {
  /** `index` points into `table` (a table number of `wire_bytes.ts`). */
  ref(table: number, index: number): void;
}

/** Reports the varint (tag `plain`) or packed list (tag `packed`) of indices just read. */
function indices(c: WireCursor, tag: number, table: number, v: ReferenceVisitor): void {
  if ((tag & 7) === 0) {
    v.ref(table, c.int32());
    return;
  }
  const end = c.lengthEnd();
  while (c.pos < end) v.ref(table, c.int32());
  if (c.pos !== end) throw LEFT_TO_DECODER;
}

/** A `ResourceProfiles`: its scope groups first, then its resource, as the object merge. */
export function walkResourceProfiles(c: WireCursor, end: number, v: ReferenceVisitor): void {
  const start = c.pos;
  while (c.pos < end) {
    const tag = c.tag();
    if (tag === 18) {
      const e = c.lengthEnd();
      walkScopeProfiles(c, e, v);
      c.pos = e;
    } else c.skip(tag);
  }
  c.pos = start;
  while (c.pos < end) {
    const tag = c.tag();
    if (tag === 10) {
      const e = c.lengthEnd();
      walkKeyValues(c, e, 10, v);
      c.pos = e;
    } else c.skip(tag);
  }
}

/** A `ScopeProfiles`: its profiles first, then its scope. */
function walkScopeProfiles(c: WireCursor, end: number, v: ReferenceVisitor): void {
  const start = c.pos;
  while (c.pos < end) {
    const tag = c.tag();
    if (tag === 18) {
      const e = c.lengthEnd();
      walkProfile(c, e, v);
      c.pos = e;
    } else c.skip(tag);
  }
  c.pos = start;
  while (c.pos < end) {
    const tag = c.tag();
    if (tag === 10) {
      const e = c.lengthEnd();
      walkKeyValues(c, e, 26, v);
      c.pos = e;
    } else c.skip(tag);
  }
}

/** The `KeyValue` fields with tag `tag` of a `Resource` or `InstrumentationScope`. */
function walkKeyValues(c: WireCursor, end: number, tag: number, v: ReferenceVisitor): void {
  while (c.pos < end) {
    const t = c.tag();
    if (t === tag) {
      const e = c.lengthEnd();
      walkKeyValue(c, e, v);
      c.pos = e;
    } else c.skip(t);
  }
}

/** A `Profile`: its samples first, then its value types and attributes. */
function walkProfile(c: WireCursor, end: number, v: ReferenceVisitor): void {
  const start = c.pos;
  while (c.pos < end) {
    const tag = c.tag();
    if (tag === 18) {
      const e = c.lengthEnd();
      walkSample(c, e, v);
      c.pos = e;
    } else c.skip(tag);
  }
  c.pos = start;
  while (c.pos < end) {
    const tag = c.tag();
    switch (tag) {
      case 10:
      case 42: {
        const e = c.lengthEnd();
        walkValueType(c, e, v);
        c.pos = e;
        break;
      }
      case 88:
      case 90:
        indices(c, tag, ATTRIBUTE, v);
        break;
      default:
        c.skip(tag);
    }
  }
}

function walkSample(c: WireCursor, end: number, v: ReferenceVisitor): void {
  while (c.pos < end) {
    const tag = c.tag();
    switch (tag) {
      case 8:
        v.ref(STACK, c.int32());
        break;
      case 16:
      case 18:
        indices(c, tag, ATTRIBUTE, v);
        break;
      case 24:
        v.ref(LINK, c.int32());
        break;
      default:
        c.skip(tag);
    }
  }
}

function walkValueType(c: WireCursor, end: number, v: ReferenceVisitor): void {
  while (c.pos < end) {
    const tag = c.tag();
    if (tag === 8 || tag === 16) v.ref(STRING, c.int32());
    else c.skip(tag);
  }
}

/** A `KeyValue`: its key index first (0 means the key is a string, not an index), then value. */
export function walkKeyValue(c: WireCursor, end: number, v: ReferenceVisitor): void {
  const start = c.pos;
  while (c.pos < end) {
    const tag = c.tag();
    if (tag === 24) {
      const index = c.int32();
      if (index !== 0) v.ref(STRING, index);
    } else c.skip(tag);
  }
  c.pos = start;
  while (c.pos < end) {
    const tag = c.tag();
    if (tag === 18) {
      const e = c.lengthEnd();
      walkAnyValue(c, e, v);
      c.pos = e;
    } else c.skip(tag);
  }
}

/** An `AnyValue`: a string index, or the values of an array or key-value list. */
export function walkAnyValue(c: WireCursor, end: number, v: ReferenceVisitor): void {
  while (c.pos < end) {
    const tag = c.tag();
    switch (tag) {
      case 64:
        v.ref(STRING, c.int32());
        break;
      case 42: {
        const e = c.lengthEnd();
        while (c.pos < e) {
          const t = c.tag();
          if (t === 10) {
            const valueEnd = c.lengthEnd();
            walkAnyValue(c, valueEnd, v);
            c.pos = valueEnd;
          } else c.skip(t);
        }
        break;
      }
      case 50: {
        const e = c.lengthEnd();
        while (c.pos < e) {
          const t = c.tag();
          if (t === 10) {
            const kvEnd = c.lengthEnd();
            walkKeyValue(c, kvEnd, v);
            c.pos = kvEnd;
          } else c.skip(t);
        }
        break;
      }
      default:
        c.skip(tag);
    }
  }
}

/**
 * The references of one dictionary entry of `table` (a message from `c.pos` to `end`), in the
 * order the object remapper translates them. Strings and links reference nothing.
 */
export function walkEntry(c: WireCursor, end: number, table: number, v: ReferenceVisitor): void {
  switch (table) {
    case FUNCTION:
      while (c.pos < end) {
        const tag = c.tag();
        if (tag === 8 || tag === 16 || tag === 24) v.ref(STRING, c.int32());
        else c.skip(tag);
      }
      break;
    case MAPPING:
      while (c.pos < end) {
        const tag = c.tag();
        if (tag === 32) v.ref(STRING, c.int32());
        else if (tag === 40 || tag === 42) indices(c, tag, ATTRIBUTE, v);
        else c.skip(tag);
      }
      break;
    case LOCATION: {
      // Lines first, then the mapping and the attributes.
      const start = c.pos;
      while (c.pos < end) {
        const tag = c.tag();
        if (tag === 26) {
          const e = c.lengthEnd();
          while (c.pos < e) {
            const t = c.tag();
            if (t === 8) v.ref(FUNCTION, c.int32());
            else c.skip(t);
          }
        } else c.skip(tag);
      }
      c.pos = start;
      while (c.pos < end) {
        const tag = c.tag();
        if (tag === 8) v.ref(MAPPING, c.int32());
        else if (tag === 32 || tag === 34) indices(c, tag, ATTRIBUTE, v);
        else c.skip(tag);
      }
      break;
    }
    case STACK:
      while (c.pos < end) {
        const tag = c.tag();
        if (tag === 8 || tag === 10) indices(c, tag, LOCATION, v);
        else c.skip(tag);
      }
      break;
    case ATTRIBUTE:
      while (c.pos < end) {
        const tag = c.tag();
        if (tag === 8 || tag === 24) v.ref(STRING, c.int32());
        else if (tag === 18) {
          const e = c.lengthEnd();
          walkAnyValue(c, e, v);
          c.pos = e;
        } else c.skip(tag);
      }
      break;
    default:
      // Strings and links reference nothing.
      c.pos = end;
  }
  if (c.pos !== end) throw LEFT_TO_DECODER;
}

/** Checks each index against the length of its table; index 0 is always valid. */
class RangeCheck implements ReferenceVisitor {
  readonly #lengths: Int32Array;

  constructor(layout: ProfilesLayout) {
    this.#lengths = new Int32Array(layout.tables.map((table) => table.length));
  }

  ref(table: number, index: number): void {
    if (index !== 0 && (index < 0 || index >= this.#lengths[table])) throw LEFT_TO_DECODER;
  }
}

/** The tables whose entries reference other entries. */
const REFERENCING_TABLES = [MAPPING, LOCATION, FUNCTION, ATTRIBUTE, STACK];

/** Read again for every check (checks are synchronous, so never interleave). */
const layout = new ProfilesLayout();

/**
 * Whether every dictionary index in the encoded `ProfilesData` `bytes` (which the generated scan
 * accepted) is inside its table, as `validateProfiles` requires of decoded data: the entries'
 * own references, and those of resources, scopes, profiles and samples. False also for input
 * this does not read; the decoding path then gives the verdict.
 */
export function referencesInRange(bytes: Uint8Array): boolean {
  try {
    layout.read(bytes);
    const check = new RangeCheck(layout);
    const c = new WireCursor(bytes);
    for (const table of REFERENCING_TABLES) {
      const entries = layout.tables[table];
      for (let i = 0; i < entries.length; i++) {
        c.pos = entries.starts[i];
        walkEntry(c, entries.ends[i], table, check);
      }
    }
    const resources = layout.resources;
    for (let i = 0; i < resources.length; i++) {
      c.pos = resources.starts[i];
      walkResourceProfiles(c, resources.ends[i], check);
    }
    return true;
  } catch (error) {
    if (error instanceof LeftToDecoder) return false;
    throw error;
  } finally {
    layout.clear();
  }
}
