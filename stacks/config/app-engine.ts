/** Stack config section `appEngine` (stub: the owning component fills it in). */
import { z } from "zod";
import { Section } from "./profile";

/** Schema of the `containercloud:appEngine` key. */
export const appEngineSchema = z.object({ enabled: z.boolean() }).strict();

/** Per-environment defaults of `containercloud:appEngine`. */
export const appEngineSection: Section<typeof appEngineSchema> = {
    schema: appEngineSchema,
    profiles: { local: { enabled: true }, dev: { enabled: true }, staging: { enabled: true }, prod: { enabled: true } },
};
