/** Stack config section `tenancy`: the teams and their namespaces, quotas and limits. */
import * as z from "zod";
import { Section } from "./profile";
import { byteQuantity, cpuMemory, cpuQuantity, dnsLabel, dnsName } from "../../components/core/validators";

const quotaSchema = z.strictObject({
    requestsCpu: cpuQuantity,
    requestsMemory: byteQuantity,
    limitsCpu: cpuQuantity,
    limitsMemory: byteQuantity,
    storage: byteQuantity,
    pods: z.int().positive(),
    services: z.int().positive(),
    persistentVolumeClaims: z.int().nonnegative(),
});

const teamSchema = z.strictObject({
    /** Namespaces of the team; the first is where its apps go unless an app names another. */
    namespaces: z.array(dnsLabel).min(1),
    /** Quota per namespace. @default tenancy.defaultQuota */
    quota: quotaSchema.optional(),
    /** RBAC groups. */
    groups: z.strictObject({
        admins: z.array(z.string()).default([]),
        developers: z.array(z.string()).default([]),
        viewers: z.array(z.string()).default([]),
    }).default({ admins: [], developers: [], viewers: [] }),
    /** Pod Security level. @default "restricted" */
    podSecurity: z.enum(["privileged", "baseline", "restricted"]).default("restricted"),
    /**
     * Hosts outside `<team>.<domain>` that the team's apps may route (the platform assigns them;
     * a host belongs to one team). @default []
     */
    hosts: z.array(dnsName).default([]),
});

/** Schema of `containercloud:tenancy`. */
export const tenancySchema = z.strictObject({
    /** Quota every tenant namespace gets unless its team sets one. */
    defaultQuota: quotaSchema,
    /** LimitRange every tenant namespace gets. */
    limits: z.strictObject({ defaultRequest: cpuMemory, default: cpuMemory, max: cpuMemory }),
    /** Teams by name. */
    teams: z.record(dnsLabel, teamSchema),
});

/** Per-environment defaults of `containercloud:tenancy`. */
export const tenancySection: Section<typeof tenancySchema> = {
    schema: tenancySchema,
    profiles: {
        local: {
            defaultQuota: { requestsCpu: "4", requestsMemory: "8Gi", limitsCpu: "8", limitsMemory: "16Gi", storage: "50Gi", pods: 50, services: 20, persistentVolumeClaims: 10 },
            limits: { defaultRequest: { cpu: "50m", memory: "64Mi" }, default: { cpu: "500m", memory: "512Mi" }, max: { cpu: "2", memory: "4Gi" } },
            teams: {},
        },
        dev: {
            defaultQuota: { requestsCpu: "4", requestsMemory: "8Gi", limitsCpu: "8", limitsMemory: "16Gi", storage: "50Gi", pods: 50, services: 20, persistentVolumeClaims: 10 },
            limits: { defaultRequest: { cpu: "50m", memory: "64Mi" }, default: { cpu: "500m", memory: "512Mi" }, max: { cpu: "2", memory: "4Gi" } },
            teams: {},
        },
        staging: {
            defaultQuota: { requestsCpu: "8", requestsMemory: "16Gi", limitsCpu: "16", limitsMemory: "32Gi", storage: "200Gi", pods: 100, services: 40, persistentVolumeClaims: 20 },
            limits: { defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { cpu: "1", memory: "1Gi" }, max: { cpu: "4", memory: "8Gi" } },
            teams: {},
        },
        prod: {
            defaultQuota: { requestsCpu: "16", requestsMemory: "32Gi", limitsCpu: "32", limitsMemory: "64Gi", storage: "500Gi", pods: 200, services: 50, persistentVolumeClaims: 50 },
            limits: { defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { cpu: "1", memory: "1Gi" }, max: { cpu: "8", memory: "16Gi" } },
            teams: {},
        },
    },
};
