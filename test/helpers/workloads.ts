/** Assertions over recorded Pod-bearing registrations (containers, resources, exemptions). */
import { Recorder, Registration } from "./mocks";

const POD_PATHS: Record<string, string[]> = {
    "kubernetes:core/v1:Pod": ["spec"],
    "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
    "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The pod spec of a Pod-bearing registration, or undefined for other types. */
export function podSpecOf(r: Registration): any {
    const path = POD_PATHS[r.type];
    if (!path) {
        return undefined;
    }
    return path.reduce((o: any, k) => (o ? o[k] : undefined), r.inputs);
}

/** Every Pod-bearing registration. */
export function workloads(rec: Recorder): Registration[] {
    return rec.all.filter((r) => POD_PATHS[r.type] !== undefined);
}

/** `<workload>/<container>` for every container or init container missing a cpu/memory request or limit. */
export function containersWithoutLimits(rec: Recorder): string[] {
    const bad: string[] = [];
    for (const w of workloads(rec)) {
        const spec = podSpecOf(w) ?? {};
        for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
            const r = c.resources ?? {};
            if (!r.requests?.cpu || !r.requests?.memory || !r.limits?.cpu || !r.limits?.memory) {
                bad.push(`${w.name}/${c.name}`);
            }
        }
    }
    return bad;
}

/** The parsed `containercloud.io/policy-exemptions` of a registration ([] when absent). */
export function exemptionsOf(r: Registration): { rule: string; reason: string }[] {
    const v = r.inputs.metadata?.annotations?.["containercloud.io/policy-exemptions"];
    return v ? JSON.parse(v) : [];
}
