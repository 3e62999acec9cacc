/**
 * kube-score (built here) on the rendered prod manifests: the findings that a real cluster would
 * turn into broken StatefulSets, unprotected pods, restart loops and missed CronJob runs.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import { parseAllDocuments } from "yaml";
import { renderedFiles } from "../helpers/rendered";
import { ensureGoTool } from "../../scripts/lib/tools";
import { kubeScoreTool } from "../../scripts/lib/check-tools";

/** One failed check of one object: `Kind/namespace/name: check: comment`. */
interface Finding { kind: string; ref: string; check: string; summary: string }

let findings: Finding[] = [];
/** Objects kube-score scored, as `Kind namespace/name`. */
const scored = new Set<string>();
/** Names of the checks kube-score ran (not skipped) on at least one object. */
const ran = new Set<string>();
/** DaemonSets on the host's network: a NetworkPolicy cannot select their pods. */
const hostNetworkDaemonSets = new Set<string>();

before(async () => {
    const kubeScore = await ensureGoTool(kubeScoreTool(), "test");
    const files = await renderedFiles("prod");
    for (const f of files) {
        for (const d of parseAllDocuments(fs.readFileSync(f, "utf8"))) {
            const m = d.toJSON();
            if (m?.kind === "DaemonSet" && m.spec?.template?.spec?.hostNetwork) {
                hostNetworkDaemonSets.add(`${m.metadata.namespace ?? ""}/${m.metadata.name}`);
            }
        }
    }
    const r = spawnSync(kubeScore, ["score", "--output-format", "json", "--output-version", "v1", ...files], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    assert.ok(r.stdout.trim().startsWith("{"), `kube-score failed: ${r.stderr.slice(-2000)}`);
    const card = JSON.parse(r.stdout) as Record<string, any>;
    findings = Object.values(card).flatMap((o: any) => {
        const kind = o.TypeMeta?.kind ?? "";
        const ref = `${o.ObjectMeta?.namespace ?? ""}/${o.ObjectMeta?.name ?? ""}`;
        scored.add(`${kind} ${ref}`);
        for (const c of o.Checks as any[]) {
            if (!c.Skipped) {
                ran.add(c.Check.Name);
            }
        }
        return (o.Checks as any[])
            .filter((c) => !c.Skipped && c.Grade < 10)
            .flatMap((c) => (c.Comments?.length ? c.Comments : [{ Summary: "" }]).map((cm: any) => ({ kind, ref, check: c.Check.Name, summary: cm.Summary })));
    });
});

const show = (fs_: Finding[]) => fs_.map((f) => `${f.kind} ${f.ref}: ${f.summary}`).join("\n");

/** The findings of one check, which must have run: a renamed check would otherwise find nothing and pass. */
function findingsOf(check: string): Finding[] {
    assert.ok(ran.has(check), `kube-score ran no check named "${check}" (ran: ${[...ran].sort().join(", ")})`);
    return findings.filter((f) => f.check === check);
}

/**
 * Key objects of rendered prod, one per layer and kind that the checks below are about: a render
 * that silently dropped one of them would make its checks pass on nothing.
 */
const KEY_OBJECTS = [
    "StatefulSet etcd/etcd",
    "CronJob etcd/etcd-backup",
    "DaemonSet kube-flannel/kube-flannel-ds",
    "Deployment containercloud-registry/registry",
    "CronJob containercloud-registry/registry-gc",
    "Deployment containercloud-router/traefik",
    "StatefulSet containercloud-monitoring/prometheus",
    "StatefulSet containercloud-code/gitea",
    "Deployment shop/shop-web-web",
    "CronJob shop/shop-web-cleanup-carts",
];

describe("kube-score on rendered prod", () => {
    it("scored the platform's key objects", () => {
        // kube-score scores workloads, Services, policies and the like (not ConfigMaps or Secrets)
        assert.deepEqual(KEY_OBJECTS.filter((o) => !scored.has(o)), [], `scored: ${[...scored].sort().join(", ")}`);
        assert.ok(hostNetworkDaemonSets.has("kube-flannel/kube-flannel-ds"), "Flannel's DaemonSet is not on the host network");
    });

    it("finds no StatefulSet without an existing headless governing Service", () => {
        assert.equal(show(findingsOf("StatefulSet has ServiceName")), "");
    });

    it("finds no pod without a matching NetworkPolicy, outside host-network DaemonSets", () => {
        const bad = findingsOf("Pod NetworkPolicy").filter((f) => !(f.kind === "DaemonSet" && hostNetworkDaemonSets.has(f.ref)));
        assert.equal(show(bad), "");
    });

    it("finds no container with the same readiness and liveness probe", () => {
        assert.equal(show(findingsOf("Pod Probes Identical")), "");
    });

    it("finds no CronJob without startingDeadlineSeconds", () => {
        assert.equal(show(findingsOf("CronJob has deadline")), "");
    });
});
