/**
 * EXPERIMENTAL: profiles support for connector factories. May change or be removed in a later release.
 *
 * @module
 */

export {};
