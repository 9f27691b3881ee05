/**
 * EXPERIMENTAL: profiles support for receiver factories. May change or be removed in a later release.
 *
 * @module
 */

export {};
