/** Shared types every component speaks. */
import * as pulumi from "@pulumi/pulumi";

/** The platform's environment profiles: dev is small and cheap, prod is highly available. */
export type Environment = "local" | "dev" | "staging" | "prod";

/** Every environment, in promotion order. */
export const ENVIRONMENTS: readonly Environment[] = ["local", "dev", "staging", "prod"];

/** CPU and memory as Kubernetes quantities (e.g. `100m`, `128Mi`). */
export interface CpuMemory {
    /** CPU quantity, e.g. `250m`. */
    cpu: string;
    /** Memory quantity, e.g. `256Mi`. */
    memory: string;
}

/** Container requests and limits; they become the container's cgroup settings. */
export interface ResourceRequirements {
    /** What the scheduler reserves. */
    requests: CpuMemory;
    /** The cgroup ceiling. */
    limits: CpuMemory;
}

/** Options every platform component accepts beside its own. */
export interface CommonArgs {
    /** Environment profile; decides HA defaults. */
    environment: Environment;
    /**
     * Registry host that replaces the registry of every image this component deploys
     * (for sites whose nodes cannot pull from public registries).
     * @default undefined (images are pulled from their own registries)
     */
    imageMirror?: string;
    /** Extra labels for every object this component creates. @default {} */
    labels?: Record<string, string>;
}

/** True for environments that must be highly available. */
export function isHighlyAvailable(env: Environment): boolean {
    return env === "prod" || env === "staging";
}

/** A Kubernetes object reference that later layers can depend on. */
export type NamespaceName = pulumi.Input<string>;
