/**
 * EXPERIMENTAL: profiles support for processor factories. May change or be removed in a later release.
 *
 * @module
 */

export {};
