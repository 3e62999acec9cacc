/** Stack config section `etcd` (stub: the owning component fills it in). */
import { z } from "zod";
import { Section } from "./profile";

/** Schema of the `containercloud:etcd` key. */
export const etcdSchema = z.object({ enabled: z.boolean() }).strict();

/** Per-environment defaults of `containercloud:etcd`. */
export const etcdSection: Section<typeof etcdSchema> = {
    schema: etcdSchema,
    profiles: { local: { enabled: true }, dev: { enabled: true }, staging: { enabled: true }, prod: { enabled: true } },
};
