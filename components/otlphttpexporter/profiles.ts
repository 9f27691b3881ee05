import { PROFILES } from "@denocol/exporter-experimental/exporterhelper";
import {
  type ExportProfilesServiceResponse,
  ExportProfilesServiceResponseSchema,
  type Profiles,
  profiles,
  ProfilesService,
  profilesToRequest,
} from "@denocol/pdata-experimental";
import type { OtlpSignal } from "./signals.ts";

/**
 * Profiles over OTLP (`/v1development/profiles`).
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export const OTLP_PROFILES: OtlpSignal<Profiles> = {
  spec: PROFILES,
  urlPath: "/v1development/profiles",
  endpointKey: "profiles_endpoint",
  encodeProto: (data) => profiles.encodeProto(data),
  encodeJson: (data) => profiles.encodeJson(data),
  responseSchema: ExportProfilesServiceResponseSchema,
  rejection: (response) => {
    const partial = (response as ExportProfilesServiceResponse).partialSuccess;
    if (partial === undefined) return undefined;
    const rejected = Number(partial.rejectedProfiles);
    if (rejected === 0 && partial.errorMessage === "") return undefined;
    return { rejected, message: partial.errorMessage };
  },
  service: ProfilesService,
  toRequest: profilesToRequest,
};
