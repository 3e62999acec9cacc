import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import {
    blockers, changeReport, componentOf, driftReport, EXIT, exitCodeFor, isStatefulType, normalizeOp, parseUrn, plainText, type ChangeReport, policyDetail,
} from "../../scripts/lib/gitops-report";
import {
    byComponent, cell, countsLine, renderApplyMarkdown, renderDriftMarkdown, renderPreviewMarkdown, reportMarker,
} from "../../scripts/lib/gitops-markdown";

const STACK = "urn:pulumi:dev::containercloud::pulumi:pulumi:Stack::containercloud-dev";
const CLOUD = "urn:pulumi:dev::containercloud::containercloud:index:ContainerCloud::platform";
const ETCD = "urn:pulumi:dev::containercloud::containercloud:index:ContainerCloud$containercloud:etcd:EtcdCluster::platform-etcd";
const ETCD_STS = "urn:pulumi:dev::containercloud::containercloud:index:ContainerCloud$containercloud:etcd:EtcdCluster$kubernetes:apps/v1:StatefulSet::platform-etcd";
const ETCD_SVC = "urn:pulumi:dev::containercloud::containercloud:index:ContainerCloud$containercloud:etcd:EtcdCluster$kubernetes:core/v1:Service::platform-etcd-client";
const QUOTA = "urn:pulumi:dev::containercloud::containercloud:index:ContainerCloud$containercloud:tenancy:TenantNamespace$kubernetes:core/v1:ResourceQuota::platform-tenant-shop-quota";
const TENANT = "urn:pulumi:dev::containercloud::containercloud:index:ContainerCloud$containercloud:tenancy:TenantNamespace::platform-tenant-shop";
const PROVIDER = "urn:pulumi:dev::containercloud::pulumi:providers:kubernetes::cluster";

let seq = 0;
function typeOf(urn: string): string {
    return parseUrn(urn).type;
}

/** A resource pre-event as the engine sends it. */
function pre(op: string, urn: string, parent?: string, extra: Record<string, unknown> = {}): EngineEvent {
    const state = { type: typeOf(urn), urn, id: "", parent: parent ?? "", inputs: {}, outputs: {}, provider: "" };
    return {
        sequence: seq++,
        timestamp: 0,
        resourcePreEvent: { metadata: { op: op as never, urn, type: typeOf(urn), provider: "", new: state, ...extra } },
    };
}

/** A resource outputs event (a refresh reports its result op here). */
function outputs(op: string, urn: string, parent?: string, extra: Record<string, unknown> = {}): EngineEvent {
    const state = { type: typeOf(urn), urn, id: "shop/tenant-quota", parent: parent ?? "", inputs: {}, outputs: {}, provider: "" };
    return {
        sequence: seq++,
        timestamp: 0,
        resOutputsEvent: { metadata: { op: op as never, urn, type: typeOf(urn), provider: "", old: state, ...extra } },
    };
}

function policy(name: string, level: "mandatory" | "warning", urn?: string): EngineEvent {
    return {
        sequence: seq++,
        timestamp: 0,
        policyEvent: {
            ...(urn ? { resourceUrn: urn } : {}),
            message: `The rule's description.\nStatefulSet "etcd": container "etcd" breaks ${name}<{%reset%}>`,
            color: "raw",
            policyName: name,
            policyPackName: "containercloud-policies",
            policyPackVersion: "0.1.0",
            policyPackVersionTag: "0.1.0",
            enforcementLevel: level,
        },
    };
}

function diag(message: string, severity: "error" | "warning" = "error"): EngineEvent {
    return { sequence: seq++, timestamp: 0, diagnosticEvent: { message, color: "raw", severity } };
}

describe("isStatefulType", () => {
    it("guards StatefulSets, volumes, claims, namespaces and the Ceph custom resources", () => {
        for (const t of [
            "kubernetes:apps/v1:StatefulSet",
            "kubernetes:core/v1:PersistentVolumeClaim",
            "kubernetes:core/v1:PersistentVolume",
            "kubernetes:core/v1:Namespace",
            "kubernetes:ceph.rook.io/v1:CephCluster",
            "kubernetes:ceph.rook.io/v1:CephBlockPool",
            "kubernetes:ceph.rook.io/v1:CephFilesystem",
            "kubernetes:ceph.rook.io/v1:CephObjectStore",
        ]) {
            assert.equal(isStatefulType(t), true, t);
        }
    });

    it("lets stateless kinds and patches through", () => {
        for (const t of ["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service", "kubernetes:apps/v1:StatefulSetPatch", "kubernetes:ceph.rook.io/v1:CephObjectStoreUser", "containercloud:etcd:EtcdCluster"]) {
            assert.equal(isStatefulType(t), false, t);
        }
    });
});

describe("normalizeOp", () => {
    it("folds the engine's replacement steps into replace", () => {
        assert.deepEqual(["replace", "create-replacement", "delete-replaced"].map(normalizeOp), ["replace", "replace", "replace"]);
    });

    it("keeps the plain ops and maps the rest to other", () => {
        assert.deepEqual(["create", "update", "delete", "same", "read", "discard"].map(normalizeOp), ["create", "update", "delete", "same", "read", "other"]);
    });
});

describe("parseUrn", () => {
    it("splits stack, project, type chain and name", () => {
        assert.deepEqual(parseUrn(ETCD_STS), {
            stack: "dev",
            project: "containercloud",
            typeChain: ["containercloud:index:ContainerCloud", "containercloud:etcd:EtcdCluster", "kubernetes:apps/v1:StatefulSet"],
            type: "kubernetes:apps/v1:StatefulSet",
            name: "platform-etcd",
        });
    });

    it("keeps a name that itself holds ::", () => {
        assert.equal(parseUrn("urn:pulumi:s::p::a:b:C::x::y").name, "x::y");
    });
});

describe("componentOf", () => {
    it("names the nearest containercloud ancestor instance from the parent map", () => {
        const parents = new Map([[ETCD_STS, ETCD], [ETCD, CLOUD], [CLOUD, STACK]]);
        assert.equal(componentOf(ETCD_STS, parents), "containercloud:etcd:EtcdCluster platform-etcd");
    });

    it("falls back to the nearest containercloud type in the URN's type chain", () => {
        assert.equal(componentOf(QUOTA), "containercloud:tenancy:TenantNamespace");
    });

    it("does not count the resource's own type", () => {
        assert.equal(componentOf(CLOUD), "(stack)");
        assert.equal(componentOf(ETCD), "containercloud:index:ContainerCloud");
    });
});

describe("plainText and policyDetail", () => {
    it("strips Pulumi colour tags and ANSI escapes", () => {
        assert.equal(plainText("<{%fg 1%}>boom\u001b[31m!<{%reset%}>"), "boom!");
    });

    it("keeps the specific lines of a policy message", () => {
        assert.equal(policyDetail("Every container sets limits.\nDeployment \"a\": no limits\nDeployment \"a\": no requests"), "Deployment \"a\": no limits — Deployment \"a\": no requests");
        assert.equal(policyDetail("one line"), "one line");
    });
});

describe("changeReport", () => {
    const events = [
        pre("same", STACK),
        pre("create", PROVIDER, STACK),
        pre("same", CLOUD, STACK),
        pre("same", ETCD, CLOUD),
        pre("create-replacement", ETCD_STS, ETCD, { diffs: ["spec"], detailedDiff: { "spec.volumeClaimTemplates[0]": { diffKind: "update-replace", inputDiff: true } } }),
        pre("replace", ETCD_STS, ETCD),
        pre("delete-replaced", ETCD_STS, ETCD),
        pre("update", ETCD_SVC, ETCD, { diffs: ["metadata"] }),
        pre("same", QUOTA, TENANT),
        policy("etcd-odd-members", "mandatory", ETCD_STS),
        policy("etcd-odd-members", "mandatory", ETCD_STS),
        policy("health-probes", "warning", ETCD_STS),
        diag("<{%fg 1%}>error: boom<{%reset%}>"),
        diag("just a warning", "warning"),
    ];
    const report = changeReport(events);

    it("leaves out the stack and provider resources", () => {
        assert.deepEqual(report.resources.map((r) => r.urn), [CLOUD, ETCD, ETCD_STS, ETCD_SVC, QUOTA]);
    });

    it("reports a replacement's three steps as one replace with its changed properties", () => {
        const sts = report.resources.find((r) => r.urn === ETCD_STS);
        assert.equal(sts?.op, "replace");
        assert.deepEqual(sts?.diffs, ["spec"]);
        assert.equal(sts?.component, "containercloud:etcd:EtcdCluster platform-etcd");
    });

    it("counts by op", () => {
        assert.deepEqual(report.counts, { same: 3, replace: 1, update: 1 });
    });

    it("lists each policy violation once, with its level", () => {
        assert.deepEqual(report.policies.map((p) => [p.policy, p.level, p.urn]), [["etcd-odd-members", "mandatory", ETCD_STS], ["health-probes", "advisory", ETCD_STS]]);
        assert.equal(report.policies[0].message, "The rule's description.\nStatefulSet \"etcd\": container \"etcd\" breaks etcd-odd-members");
    });

    it("keeps error diagnostics as plain text", () => {
        assert.deepEqual(report.errors, ["error: boom"]);
    });
});

describe("driftReport", () => {
    it("lists resources a refresh found changed or gone, with their id", () => {
        const d = driftReport([
            pre("refresh", QUOTA, TENANT),
            outputs("delete", QUOTA, TENANT),
            outputs("update", ETCD_SVC, ETCD, { diffs: ["spec"] }),
            outputs("same", ETCD_STS, ETCD),
            outputs("same", STACK),
        ]);
        assert.equal(d.checked, 3);
        assert.deepEqual(d.drifted.map((x) => [x.op, x.name, x.type, x.id]), [
            ["delete", "platform-tenant-shop-quota", "kubernetes:core/v1:ResourceQuota", "shop/tenant-quota"],
            ["update", "platform-etcd-client", "kubernetes:core/v1:Service", "shop/tenant-quota"],
        ]);
        assert.deepEqual(d.drifted[1].diffs, ["spec"]);
    });

    it("finds no drift when every resource is the same", () => {
        assert.deepEqual(driftReport([outputs("same", QUOTA), outputs("same", ETCD_SVC)]).drifted, []);
    });
});

function reportOf(...rows: [string, string][]): ChangeReport {
    return changeReport(rows.map(([op, urn]) => pre(op, urn)));
}

describe("blockers and exitCodeFor", () => {
    it("blocks a stateful replace unless replacements are allowed", () => {
        const r = reportOf(["replace", ETCD_STS]);
        const found = blockers(r);
        assert.equal(found.length, 1);
        assert.equal(found[0].kind, "stateful");
        assert.match(found[0].message, /^replace of stateful kubernetes:apps\/v1:StatefulSet platform-etcd .*--allow-replace/);
        assert.equal(exitCodeFor(found), EXIT.stateful);
        assert.deepEqual(blockers(r, { allowReplace: true }), []);
    });

    it("blocks a stateful delete", () => {
        assert.equal(blockers(reportOf(["delete", "urn:pulumi:dev::containercloud::kubernetes:core/v1:Namespace::shop"])).length, 1);
    });

    it("lets a stateful update and a stateless replace through", () => {
        assert.deepEqual(blockers(reportOf(["update", ETCD_STS], ["replace", ETCD_SVC])), []);
    });

    it("blocks mandatory policy violations even with --allow-replace, and ranks them first", () => {
        const r = changeReport([pre("replace", ETCD_STS), policy("etcd-odd-members", "mandatory", ETCD_STS), policy("health-probes", "warning")]);
        const found = blockers(r, { allowReplace: true });
        assert.deepEqual(found.map((b) => b.kind), ["policy"]);
        assert.equal(found[0].message, "mandatory policy etcd-odd-members violated by platform-etcd: StatefulSet \"etcd\": container \"etcd\" breaks etcd-odd-members");
        assert.equal(exitCodeFor([...blockers(r), ...found]), EXIT.policy);
    });

    it("exits 0 with nothing to block", () => {
        assert.equal(exitCodeFor([]), EXIT.ok);
    });
});

describe("Markdown helpers", () => {
    it("escapes pipes and newlines in table cells", () => {
        assert.equal(cell("a|b\nc"), "a\\|b<br>c");
    });

    it("writes counts in a fixed op order without zeros", () => {
        assert.equal(countsLine({ same: 3, delete: 1, create: 2 }), "create 2 · delete 1 · same 3");
        assert.equal(countsLine({}), "no resources");
    });

    it("sorts components with (stack) last", () => {
        assert.deepEqual(byComponent([{ component: "(stack)" }, { component: "b" }, { component: "a" }]).map(([c]) => c), ["a", "b", "(stack)"]);
    });
});

describe("renderPreviewMarkdown", () => {
    const report = changeReport([
        pre("same", CLOUD, STACK),
        pre("replace", ETCD_STS, ETCD, { diffs: ["spec"] }),
        pre("create", ETCD_SVC, ETCD),
        pre("same", QUOTA, TENANT),
        policy("etcd-odd-members", "mandatory", ETCD_STS),
        policy("health-probes", "warning"),
    ]);
    const md = renderPreviewMarkdown({ header: { command: "preview", env: "dev", stack: "dev", notes: ["Policies: run."] }, report, blockers: blockers(report), audit: { platform: { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" }, storage: "10Gi" }, teams: { shop: { requests: { cpu: "1", memory: "1Gi" }, quota: { requestsCpu: "4", requestsMemory: "8Gi" }, used: { cpu: 25, memory: 13 }, fits: true } } }, auditSource: "as of the last update" });

    it("starts with the marker CI uses to update its comment, then a status title", () => {
        const [marker, title] = md.split("\n");
        assert.equal(marker, reportMarker("preview", "dev"));
        assert.equal(title, "### containercloud preview: `dev` (stack `dev`) — ⛔ blocked");
    });

    it("groups the changed resources under their component and flags stateful replaces", () => {
        assert.ok(md.includes("<summary><code>containercloud:etcd:EtcdCluster platform-etcd</code>: create 1 · replace 1</summary>"));
        assert.ok(md.includes("| replace ⚠️ stateful | `kubernetes:apps/v1:StatefulSet` | platform-etcd | spec |"));
        assert.ok(!md.includes("platform-tenant-shop-quota"), "unchanged resources are only counted");
    });

    it("lists blockers, policies (mandatory first) and the resource audit", () => {
        assert.ok(md.includes("#### Blocked\n\n- mandatory policy etcd-odd-members violated by platform-etcd"));
        assert.ok(md.indexOf("❌ mandatory | etcd-odd-members") < md.indexOf("⚠️ advisory | health-probes"));
        assert.ok(md.includes("| health-probes | (stack) |"));
        assert.ok(md.includes("#### Resource audit (as of the last update)\n\nPlatform footprint: requests 2 CPU / 4Gi, limits 4 CPU / 8Gi, storage 10Gi."));
        assert.ok(md.includes("| shop | 1 / 1Gi | 4 / 8Gi | 25% / 13% | yes |"));
        assert.ok(md.includes("> Policies: run."));
    });

    it("says ok and no changes for an empty preview", () => {
        const empty = renderPreviewMarkdown({ header: { command: "preview", env: "prod", stack: "prod" }, report: reportOf(["same", QUOTA]), blockers: [] });
        assert.ok(empty.includes("— ✅ ok"));
        assert.ok(empty.includes("**Changes:** same 1"));
        assert.ok(empty.includes("No changes."));
        assert.ok(empty.includes("No policy violations."));
    });

    it("caps the rows per component", () => {
        const many = changeReport(Array.from({ length: 5 }, (_, i) => pre("create", `${ETCD_SVC}-${i}`, ETCD)));
        const capped = renderPreviewMarkdown({ header: { command: "preview", env: "dev", stack: "dev" }, report: many, blockers: [] }, { maxRowsPerComponent: 2 });
        assert.ok(capped.includes("| … | | and 3 more | |"));
    });
});

describe("renderApplyMarkdown", () => {
    it("reports the update's result above its preview, with one marker", () => {
        const report = reportOf(["create", ETCD_SVC]);
        const md = renderApplyMarkdown({ header: { command: "apply", env: "dev", stack: "dev" }, report, blockers: [], update: { result: "succeeded", durationSeconds: 12, report } });
        assert.ok(md.startsWith(`${reportMarker("apply", "dev")}\n### containercloud apply: \`dev\` (stack \`dev\`) — ✅ applied`));
        assert.ok(md.includes("**Update:** succeeded in 12s; create 1"));
        assert.equal(md.split("containercloud-gitops:").length, 2);
    });

    it("says not applied when the preview was blocked", () => {
        const report = reportOf(["delete", ETCD_STS]);
        const md = renderApplyMarkdown({ header: { command: "apply", env: "prod", stack: "prod" }, report, blockers: blockers(report) });
        assert.ok(md.includes("— ⛔ blocked, not applied"));
    });
});

describe("renderDriftMarkdown", () => {
    it("names what drifted and how to reconcile", () => {
        const md = renderDriftMarkdown({ command: "drift", env: "local", stack: "local" }, driftReport([outputs("delete", QUOTA, TENANT)]));
        assert.ok(md.includes("— ⚠️ drift in 1 resource"));
        assert.ok(md.includes("| gone | `kubernetes:core/v1:ResourceQuota` | platform-tenant-shop-quota | shop/tenant-quota | containercloud:tenancy:TenantNamespace platform-tenant-shop |"));
        assert.ok(md.includes("`npm run gitops -- apply --env local`"));
    });

    it("says no drift", () => {
        const md = renderDriftMarkdown({ command: "drift", env: "dev", stack: "dev" }, driftReport([outputs("same", QUOTA)]));
        assert.ok(md.includes("— ✅ no drift"));
        assert.ok(md.includes("Checked 1 resource against"));
    });
});
