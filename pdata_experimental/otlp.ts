import { create } from "@bufbuild/protobuf";
import { otlpRejection, type OtlpSignal } from "@denocol/pdata";
import {
  ExportProfilesServiceRequestSchema,
  type ExportProfilesServiceResponse,
  ExportProfilesServiceResponseSchema,
  ProfilesService,
} from "./gen/opentelemetry/proto/collector/profiles/v1development/profiles_service_pb.ts";
import { type Profiles, profiles, profilesFromRequest, profilesToRequest } from "./profiles.ts";

/**
 * Profiles over OTLP (`/v1development/profiles`, `ProfilesService`), counted in samples; the
 * profiles entry of `@denocol/pdata`'s OTLP table.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export const OTLP_PROFILES: OtlpSignal<Profiles> = {
  signal: "profiles",
  httpPath: "/v1development/profiles",
  helpers: profiles,
  service: ProfilesService,
  requestSchema: ExportProfilesServiceRequestSchema,
  responseSchema: ExportProfilesServiceResponseSchema,
  toRequest: profilesToRequest,
  fromRequest: (request) =>
    profilesFromRequest(request as Parameters<typeof profilesFromRequest>[0]),
  rejection: (response) => {
    const partial = (response as ExportProfilesServiceResponse).partialSuccess;
    return otlpRejection(partial, partial?.rejectedProfiles);
  },
  response: (rejection) =>
    create(
      ExportProfilesServiceResponseSchema,
      rejection && {
        partialSuccess: {
          rejectedProfiles: BigInt(rejection.rejected),
          errorMessage: rejection.message,
        },
      },
    ),
};
