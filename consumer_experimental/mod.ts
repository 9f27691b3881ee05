/**
 * EXPERIMENTAL: the profiles consumer. May change or be removed in a later release.
 *
 * @module
 */

export {};
