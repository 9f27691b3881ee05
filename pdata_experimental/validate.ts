import type {
  AnyValue,
  KeyValue,
} from "@denocol/pdata/gen/opentelemetry/proto/common/v1/common_pb.js";
import type {
  ProfilesData,
  ProfilesDictionary,
  ValueType,
} from "./gen/opentelemetry/proto/profiles/v1development/profiles_pb.ts";
import { encodedForm } from "@denocol/pdata";
import { ProfileReferenceError, type ProfileTable } from "./reference_error.ts";
import { referencesInRange } from "./references.ts";

/** Table lengths of a dictionary, 0 for a missing dictionary. */
interface Lengths {
  mappingTable: number;
  locationTable: number;
  functionTable: number;
  linkTable: number;
  stringTable: number;
  attributeTable: number;
  stackTable: number;
}

function lengthsOf(dictionary: ProfilesDictionary | undefined): Lengths {
  return {
    mappingTable: dictionary?.mappingTable.length ?? 0,
    locationTable: dictionary?.locationTable.length ?? 0,
    functionTable: dictionary?.functionTable.length ?? 0,
    linkTable: dictionary?.linkTable.length ?? 0,
    stringTable: dictionary?.stringTable.length ?? 0,
    attributeTable: dictionary?.attributeTable.length ?? 0,
    stackTable: dictionary?.stackTable.length ?? 0,
  };
}

function inRange(index: number, length: number): boolean {
  return index === 0 || (index > 0 && index < length);
}

/**
 * Checks `index` against its table. The path is built lazily, only for the error, because this
 * runs for every reference of every sample.
 */
function check(
  lengths: Lengths,
  table: ProfileTable,
  index: number,
  path: () => string,
): void {
  // Index 0 is the "unset" reference: valid even when a sender left the table empty.
  if (index === 0) return;
  const length = lengths[table];
  if (index < 0 || index >= length) {
    throw new ProfileReferenceError(table, index, length, path());
  }
}

function checkIndices(
  lengths: Lengths,
  table: ProfileTable,
  indices: readonly number[],
  path: () => string,
): void {
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!inRange(index, lengths[table])) {
      check(lengths, table, index, () => `${path()}[${i}]`);
    }
  }
}

function checkValueType(
  lengths: Lengths,
  valueType: ValueType | undefined,
  path: () => string,
): void {
  if (valueType === undefined) return;
  check(lengths, "stringTable", valueType.typeStrindex, () => `${path()}.typeStrindex`);
  check(lengths, "stringTable", valueType.unitStrindex, () => `${path()}.unitStrindex`);
}

function checkAnyValue(lengths: Lengths, value: AnyValue | undefined, path: () => string): void {
  if (value === undefined) return;
  const v = value.value;
  switch (v.case) {
    case "stringValueStrindex":
      check(lengths, "stringTable", v.value, () => `${path()}.stringValueStrindex`);
      break;
    case "arrayValue":
      v.value.values.forEach((item, i) =>
        checkAnyValue(lengths, item, () => `${path()}.arrayValue.values[${i}]`)
      );
      break;
    case "kvlistValue":
      checkKeyValues(lengths, v.value.values, () => `${path()}.kvlistValue.values`);
      break;
  }
}

function checkKeyValues(
  lengths: Lengths,
  keyValues: readonly KeyValue[],
  path: () => string,
): void {
  keyValues.forEach((kv, i) => {
    check(lengths, "stringTable", kv.keyStrindex, () => `${path()}[${i}].keyStrindex`);
    checkAnyValue(lengths, kv.value, () => `${path()}[${i}].value`);
  });
}

/**
 * Checks that every index in `data` (samples, profiles, resource and scope attributes, and the
 * dictionary's own cross references) is inside the dictionary table it points into.
 *
 * Index 0 is always accepted: it is the "unset" reference and resolves to the zero value even
 * when the table is empty.
 *
 * Data still in its encoded form (`profiles.fromProto`) is checked on its bytes and stays
 * encoded; only when an index is out of range is it decoded, to find and name that index.
 *
 * @throws {ProfileReferenceError} naming the table, the index, the table length and where the
 * index was found, for the first index out of range.
 */
export function validateProfiles(data: ProfilesData): void {
  const form = encodedForm(data);
  if (form !== undefined && referencesInRange(form.bytes)) return;
  const dictionary = data.dictionary;
  const lengths = lengthsOf(dictionary);
  if (dictionary !== undefined) validateDictionary(dictionary, lengths);
  data.resourceProfiles.forEach((rp, r) => {
    const rPath = `resourceProfiles[${r}]`;
    if (rp.resource) {
      checkKeyValues(lengths, rp.resource.attributes, () => `${rPath}.resource.attributes`);
    }
    rp.scopeProfiles.forEach((sp, s) => {
      const sPath = `${rPath}.scopeProfiles[${s}]`;
      if (sp.scope) checkKeyValues(lengths, sp.scope.attributes, () => `${sPath}.scope.attributes`);
      sp.profiles.forEach((profile, p) => {
        const pPath = `${sPath}.profiles[${p}]`;
        checkValueType(lengths, profile.sampleType, () => `${pPath}.sampleType`);
        checkValueType(lengths, profile.periodType, () => `${pPath}.periodType`);
        checkIndices(
          lengths,
          "attributeTable",
          profile.attributeIndices,
          () => `${pPath}.attributeIndices`,
        );
        const samples = profile.samples;
        for (let i = 0; i < samples.length; i++) {
          const sample = samples[i];
          // Inline range tests: no closure is allocated per sample unless an index is bad.
          if (!inRange(sample.stackIndex, lengths.stackTable)) {
            check(
              lengths,
              "stackTable",
              sample.stackIndex,
              () => `${pPath}.samples[${i}].stackIndex`,
            );
          }
          if (!inRange(sample.linkIndex, lengths.linkTable)) {
            check(lengths, "linkTable", sample.linkIndex, () => `${pPath}.samples[${i}].linkIndex`);
          }
          checkIndices(
            lengths,
            "attributeTable",
            sample.attributeIndices,
            () => `${pPath}.samples[${i}].attributeIndices`,
          );
        }
      });
    });
  });
}

function validateDictionary(dictionary: ProfilesDictionary, lengths: Lengths): void {
  const d = "dictionary";
  dictionary.stackTable.forEach((stack, i) =>
    checkIndices(
      lengths,
      "locationTable",
      stack.locationIndices,
      () => `${d}.stackTable[${i}].locationIndices`,
    )
  );
  dictionary.locationTable.forEach((location, i) => {
    const path = `${d}.locationTable[${i}]`;
    check(lengths, "mappingTable", location.mappingIndex, () => `${path}.mappingIndex`);
    location.lines.forEach((line, l) =>
      check(
        lengths,
        "functionTable",
        line.functionIndex,
        () => `${path}.lines[${l}].functionIndex`,
      )
    );
    checkIndices(
      lengths,
      "attributeTable",
      location.attributeIndices,
      () => `${path}.attributeIndices`,
    );
  });
  dictionary.mappingTable.forEach((mapping, i) => {
    const path = `${d}.mappingTable[${i}]`;
    check(lengths, "stringTable", mapping.filenameStrindex, () => `${path}.filenameStrindex`);
    checkIndices(
      lengths,
      "attributeTable",
      mapping.attributeIndices,
      () => `${path}.attributeIndices`,
    );
  });
  dictionary.functionTable.forEach((fn, i) => {
    const path = `${d}.functionTable[${i}]`;
    check(lengths, "stringTable", fn.nameStrindex, () => `${path}.nameStrindex`);
    check(lengths, "stringTable", fn.systemNameStrindex, () => `${path}.systemNameStrindex`);
    check(lengths, "stringTable", fn.filenameStrindex, () => `${path}.filenameStrindex`);
  });
  dictionary.attributeTable.forEach((attribute, i) => {
    const path = `${d}.attributeTable[${i}]`;
    check(lengths, "stringTable", attribute.keyStrindex, () => `${path}.keyStrindex`);
    check(lengths, "stringTable", attribute.unitStrindex, () => `${path}.unitStrindex`);
    checkAnyValue(lengths, attribute.value, () => `${path}.value`);
  });
}
