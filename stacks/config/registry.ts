/** Stack config section `registry`: the platform image registry. */
import * as z from "zod";
import { Section } from "./profile";
import { byteQuantity, cronScheduleString, dnsLabel } from "../../components/core/validators";

/** Schema of the `containercloud:registry` key. */
export const registrySchema = z.strictObject({
    /** Deploy the registry. */
    enabled: z.boolean(),
    /** Replicas (more than one needs s3 storage). */
    replicas: z.int().min(1).max(10),
    /** Blob storage: the Ceph object store through a bucket claim (s3) or a PVC (filesystem). */
    storage: z.enum(["s3", "filesystem"]),
    /** PVC size with filesystem storage. */
    size: byteQuantity.default("20Gi"),
    /** Namespace. */
    namespace: dnsLabel.default("containercloud-registry"),
    /** Pull-through cache of an upstream registry (the registry then accepts no pushes). @default none */
    proxy: z.strictObject({ remoteUrl: z.string().url() }).optional(),
    /** Cron schedule of garbage collection (the registry is read-only while it runs). */
    gcSchedule: cronScheduleString.default("0 3 * * 6"),
    /** An existing kubernetes.io/tls Secret in the namespace. @default a certificate from the platform CA */
    tlsSecretName: z.string().min(1).optional(),
    /**
     * Every node's containerd trusts the platform CA for `registry.<domain>`: a DaemonSet writes
     * `<certsDir>/registry.<domain>/hosts.toml` and the CA (only with the platform CA's certificate).
     */
    nodeTrust: z.strictObject({
        enabled: z.boolean().default(true),
        /** The nodes' containerd registry config folder (its CRI `config_path`). */
        certsDir: z.string().regex(/^\//, "must be an absolute path").default("/etc/containerd/certs.d"),
    }).default({ enabled: true, certsDir: "/etc/containerd/certs.d" }),
});

/** Per-environment defaults of `containercloud:registry`. */
export const registrySection: Section<typeof registrySchema> = {
    schema: registrySchema,
    profiles: {
        local: { enabled: true, replicas: 1, storage: "filesystem", size: "5Gi" },
        dev: { enabled: true, replicas: 1, storage: "filesystem" },
        staging: { enabled: true, replicas: 2, storage: "s3" },
        prod: { enabled: true, replicas: 2, storage: "s3" },
    },
};
