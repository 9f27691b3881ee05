/**
 * EXPERIMENTAL: the OTLP profiles data model (v1development). May change or be removed in a later release.
 *
 * @module
 */

export {};
