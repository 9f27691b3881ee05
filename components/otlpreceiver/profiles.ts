// Profiles as a transport endpoint, through the experimental twins only.

import {
  ExportProfilesServiceResponseSchema,
  type Profiles,
  profiles,
  profilesFromRequest,
  ProfilesService,
  validateProfiles,
} from "@denocol/pdata-experimental";
import type { SignalSpec } from "./signals.ts";

/**
 * Profiles: `ProfilesService` (v1development), counted in samples. Decoded profiles are also
 * checked for dangling dictionary references, which answer as malformed data.
 */
export const PROFILES_SPEC: SignalSpec<Profiles> = {
  signal: "profiles",
  helpers: profiles,
  service: ProfilesService,
  responseSchema: ExportProfilesServiceResponseSchema,
  rejectedField: "rejectedProfiles",
  fromRequest: (message) =>
    profilesFromRequest(message as Parameters<typeof profilesFromRequest>[0]),
};

/** Validation run on every decoded profiles request. */
export function validateReceivedProfiles(data: Profiles): void {
  validateProfiles(data);
}
