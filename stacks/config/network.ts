/** Stack config section `network` (stub: the owning component fills it in). */
import { z } from "zod";
import { Section } from "./profile";

/** Schema of the `containercloud:network` key. */
export const networkSchema = z.object({ enabled: z.boolean() }).strict();

/** Per-environment defaults of `containercloud:network`. */
export const networkSection: Section<typeof networkSchema> = {
    schema: networkSchema,
    profiles: { local: { enabled: true }, dev: { enabled: true }, staging: { enabled: true }, prod: { enabled: true } },
};
