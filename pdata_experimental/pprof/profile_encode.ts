// The pprof encoder: writes a profile as `go tool pprof` reads it, leaving zero values out as
// proto3 does.

import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import type { PprofProfile, PprofValueType } from "./profile.ts";

function writeValueType(w: BinaryWriter, field: number, t: PprofValueType): void {
  w.tag(field, WireType.LengthDelimited).fork();
  if (t.type) w.tag(1, WireType.Varint).int64(t.type);
  if (t.unit) w.tag(2, WireType.Varint).int64(t.unit);
  w.join();
}

function packed(w: BinaryWriter, field: number, values: readonly bigint[], signed: boolean): void {
  if (values.length === 0) return;
  w.tag(field, WireType.LengthDelimited).fork();
  for (const v of values) signed ? w.int64(v) : w.uint64(v);
  w.join();
}

/** Encodes a pprof profile (not gzipped); zero values are left out, as proto3 does. */
export function encodePprof(profile: PprofProfile): Uint8Array {
  const w = new BinaryWriter();
  for (const t of profile.sampleType) writeValueType(w, 1, t);
  for (const s of profile.sample) {
    w.tag(2, WireType.LengthDelimited).fork();
    packed(w, 1, s.locationId, false);
    packed(w, 2, s.value, true);
    for (const l of s.label) {
      w.tag(3, WireType.LengthDelimited).fork();
      if (l.key) w.tag(1, WireType.Varint).int64(l.key);
      if (l.str) w.tag(2, WireType.Varint).int64(l.str);
      if (l.num) w.tag(3, WireType.Varint).int64(l.num);
      if (l.numUnit) w.tag(4, WireType.Varint).int64(l.numUnit);
      w.join();
    }
    w.join();
  }
  for (const m of profile.mapping) {
    w.tag(3, WireType.LengthDelimited).fork();
    w.tag(1, WireType.Varint).uint64(m.id);
    if (m.memoryStart) w.tag(2, WireType.Varint).uint64(m.memoryStart);
    if (m.memoryLimit) w.tag(3, WireType.Varint).uint64(m.memoryLimit);
    if (m.fileOffset) w.tag(4, WireType.Varint).uint64(m.fileOffset);
    if (m.filename) w.tag(5, WireType.Varint).int64(m.filename);
    if (m.buildId) w.tag(6, WireType.Varint).int64(m.buildId);
    if (m.hasFunctions) w.tag(7, WireType.Varint).bool(true);
    if (m.hasFilenames) w.tag(8, WireType.Varint).bool(true);
    if (m.hasLineNumbers) w.tag(9, WireType.Varint).bool(true);
    if (m.hasInlineFrames) w.tag(10, WireType.Varint).bool(true);
    w.join();
  }
  for (const l of profile.location) {
    w.tag(4, WireType.LengthDelimited).fork();
    w.tag(1, WireType.Varint).uint64(l.id);
    if (l.mappingId) w.tag(2, WireType.Varint).uint64(l.mappingId);
    if (l.address) w.tag(3, WireType.Varint).uint64(l.address);
    for (const ln of l.line) {
      w.tag(4, WireType.LengthDelimited).fork();
      if (ln.functionId) w.tag(1, WireType.Varint).uint64(ln.functionId);
      if (ln.line) w.tag(2, WireType.Varint).int64(ln.line);
      if (ln.column) w.tag(3, WireType.Varint).int64(ln.column);
      w.join();
    }
    if (l.isFolded) w.tag(5, WireType.Varint).bool(true);
    w.join();
  }
  for (const f of profile.function) {
    w.tag(5, WireType.LengthDelimited).fork();
    w.tag(1, WireType.Varint).uint64(f.id);
    if (f.name) w.tag(2, WireType.Varint).int64(f.name);
    if (f.systemName) w.tag(3, WireType.Varint).int64(f.systemName);
    if (f.filename) w.tag(4, WireType.Varint).int64(f.filename);
    if (f.startLine) w.tag(5, WireType.Varint).int64(f.startLine);
    w.join();
  }
  for (const s of profile.stringTable) w.tag(6, WireType.LengthDelimited).string(s);
  if (profile.dropFrames) w.tag(7, WireType.Varint).int64(profile.dropFrames);
  if (profile.keepFrames) w.tag(8, WireType.Varint).int64(profile.keepFrames);
  if (profile.timeNanos) w.tag(9, WireType.Varint).int64(profile.timeNanos);
  if (profile.durationNanos) w.tag(10, WireType.Varint).int64(profile.durationNanos);
  if (profile.periodType) writeValueType(w, 11, profile.periodType);
  if (profile.period) w.tag(12, WireType.Varint).int64(profile.period);
  packed(w, 13, profile.comment.map(BigInt), true);
  if (profile.defaultSampleType) w.tag(14, WireType.Varint).int64(profile.defaultSampleType);
  if (profile.docUrl) w.tag(15, WireType.LengthDelimited).string(profile.docUrl);
  return w.finish();
}
