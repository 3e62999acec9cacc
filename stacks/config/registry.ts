/** Stack config section `registry` (stub: the owning component fills it in). */
import { z } from "zod";
import { Section } from "./profile";

/** Schema of the `containercloud:registry` key. */
export const registrySchema = z.object({ enabled: z.boolean() }).strict();

/** Per-environment defaults of `containercloud:registry`. */
export const registrySection: Section<typeof registrySchema> = {
    schema: registrySchema,
    profiles: { local: { enabled: true }, dev: { enabled: true }, staging: { enabled: true }, prod: { enabled: true } },
};
