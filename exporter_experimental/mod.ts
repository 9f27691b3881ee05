/**
 * EXPERIMENTAL: profiles support for exporter factories. May change or be removed in a later release.
 *
 * @module
 */

export {};
