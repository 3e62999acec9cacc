/** Stack config section `apps` (stub: the owning component fills it in). */
import { z } from "zod";
import { Section } from "./profile";

/** Schema of the `containercloud:apps` key. */
export const appsSchema = z.object({ enabled: z.boolean() }).strict();

/** Per-environment defaults of `containercloud:apps`. */
export const appsSection: Section<typeof appsSchema> = {
    schema: appsSchema,
    profiles: { local: { enabled: true }, dev: { enabled: true }, staging: { enabled: true }, prod: { enabled: true } },
};
