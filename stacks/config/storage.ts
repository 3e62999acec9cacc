/** Stack config section `storage` (stub: the owning component fills it in). */
import { z } from "zod";
import { Section } from "./profile";

/** Schema of the `containercloud:storage` key. */
export const storageSchema = z.object({ enabled: z.boolean() }).strict();

/** Per-environment defaults of `containercloud:storage`. */
export const storageSection: Section<typeof storageSchema> = {
    schema: storageSchema,
    profiles: { local: { enabled: true }, dev: { enabled: true }, staging: { enabled: true }, prod: { enabled: true } },
};
