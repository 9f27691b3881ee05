import { clone, create } from "@bufbuild/protobuf";
import { ResourceSchema } from "./gen/opentelemetry/proto/resource/v1/resource_pb.ts";
import {
  type LogRecord,
  type LogsData,
  LogsDataSchema,
  type ResourceLogs,
  type ScopeLogs,
} from "./gen/opentelemetry/proto/logs/v1/logs_pb.ts";
import { InstrumentationScopeSchema } from "./gen/opentelemetry/proto/common/v1/common_pb.ts";
import {
  type ExportLogsServiceRequest,
  ExportLogsServiceRequestSchema,
  ExportLogsServiceResponseSchema,
  LogsService,
} from "./gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import { defineSignal, type SignalDescriptor } from "./signal.ts";
import { countNested, mergeNested, type NestedLayout, splitNested } from "./nested.ts";
import { createWireCodec, createWireScan } from "./wire/codec.ts";
import { createJsonTranscoder } from "./wire/json_transcode.ts";
import { jsonLogsData } from "./wire/gen/otlp_json.ts";
import { decodeLogsData, scanLogsData, sizeLogsData, writeLogsData } from "./wire/gen/otlp_wire.ts";

/** Log data: resource groups of scope groups of log records (the OTLP `LogsData` message). */
export type Logs = LogsData;

const layout: NestedLayout<LogsData, ResourceLogs, ScopeLogs, LogRecord> = {
  resources: (data) => data.resourceLogs,
  scopes: (resource) => resource.scopeLogs,
  items: (scope) => scope.logRecords,
  newData: (resourceLogs) => create(LogsDataSchema, { resourceLogs }),
  copyResource: (resource) => ({
    ...resource,
    resource: resource.resource && clone(ResourceSchema, resource.resource),
    scopeLogs: [],
  }),
  copyScope: (scope) => ({
    ...scope,
    scope: scope.scope && clone(InstrumentationScopeSchema, scope.scope),
    logRecords: [],
  }),
};

/**
 * The logs signal: OTLP over `/v1/logs` and `LogsService`, its codecs, and the pipeline helpers;
 * {@link SignalDescriptor.count} counts log records.
 */
export const logs: SignalDescriptor<Logs, "logs"> = defineSignal({
  name: "logs",
  itemName: "log_records",
  schema: LogsDataSchema,
  otlp: {
    httpPath: "/v1/logs",
    service: LogsService,
    requestSchema: ExportLogsServiceRequestSchema,
    responseSchema: ExportLogsServiceResponseSchema,
    toRequest: logsToRequest,
    fromRequest: logsFromRequest,
    rejectedField: "rejectedLogRecords",
  },
  proto: createWireCodec({
    typeName: LogsDataSchema.typeName,
    decode: decodeLogsData,
    size: sizeLogsData,
    write: writeLogsData,
  }),
  mergesByConcatenation: true,
  scan: createWireScan(scanLogsData),
  jsonFromProto: createJsonTranscoder(LogsDataSchema.typeName, jsonLogsData),
  wireLayout: { resourceField: 1, scopeField: 2, itemField: 2 },
  count: (data) => countNested(layout, data),
  split: (data, maxItems) => splitNested(layout, data, maxItems),
  merge: (parts) => mergeNested(layout, parts),
});

/**
 * The export request carrying these logs (the same wire layout), sharing their resource groups.
 *
 * @param data the logs to send
 */
export function logsToRequest(data: Logs): ExportLogsServiceRequest {
  return create(ExportLogsServiceRequestSchema, { resourceLogs: data.resourceLogs });
}

/**
 * The logs of a received export request, sharing its resource groups.
 *
 * @param request the request a gRPC server received
 */
export function logsFromRequest(request: ExportLogsServiceRequest): Logs {
  return create(LogsDataSchema, { resourceLogs: request.resourceLogs });
}
