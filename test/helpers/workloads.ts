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

/** The pod template labels of a Job or CronJob registration (the template over POD_PATHS' pod spec), or undefined for other types. */
function runToCompletionPodLabels(r: Registration): Record<string, string> | undefined {
    if (r.type !== "kubernetes:batch/v1:Job" && r.type !== "kubernetes:batch/v1:CronJob") {
        return undefined;
    }
    const template = POD_PATHS[r.type].slice(0, -1).reduce((o: any, k) => (o ? o[k] : undefined), r.inputs);
    return template?.metadata?.labels ?? {};
}

/**
 * `<service> selects <job>` for every Service whose selector matches the pods of a Job or CronJob in
 * its namespace. A finished Job's pod stays in the Service's endpoints as not ready, and Pulumi's
 * Service await never completes while a not-ready address is listed.
 */
export function jobPodsSelectedByServices(rec: Recorder): string[] {
    const found: string[] = [];
    for (const svc of rec.ofType("kubernetes:core/v1:Service")) {
        const selector: Record<string, string> = svc.inputs.spec?.selector ?? {};
        if (Object.keys(selector).length === 0) {
            continue;
        }
        for (const job of rec.all) {
            const labels = runToCompletionPodLabels(job);
            if (labels && job.inputs.metadata?.namespace === svc.inputs.metadata?.namespace
                && Object.entries(selector).every(([k, v]) => labels[k] === v)) {
                found.push(`${svc.name} selects ${job.name}`);
            }
        }
    }
    return found;
}
