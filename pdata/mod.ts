/**
 * The OTLP data model for traces, metrics and logs: messages generated from the OTLP protobuf schemas, binary and JSON codecs, and the helpers pipelines need.
 *
 * @module
 */

export {};
