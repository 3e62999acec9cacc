/**
 * The tenant rules at admission time on the live local stack, acting as a developer of the `shop`
 * team through impersonation (`kubectl --as ... --as-group <the team's developer group>`): each
 * forbidden change is refused, by the API server itself, with a message naming the rule, and the
 * same developer still runs a conforming pod.
 *
 * Refused requests are sent with `--dry-run=server` (admission runs for dry runs too), so a
 * regression shows as a failed assertion, not as a deleted default-deny left for the next test.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { IMAGE, k, mustK, pod, waitReady } from "../../helpers/live-cluster";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const TENANT_NS = "shop";
/** A namespace created without any label: a platform operator's slip the rules must still cover. */
const UNLABELLED_NS = "smoke-unlabelled";

/** The `shop` team's developer group, as stacks/Pulumi.local.yaml binds it. */
function developerGroup(): string {
    const local = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as { config: Record<string, any> };
    const group = local.config["containercloud:tenancy"]?.teams?.shop?.groups?.developers?.[0];
    return typeof group === "string" ? group : assert.fail("stacks/Pulumi.local.yaml binds no developer group for the shop team");
}

export function admissionSmoke(): void {
    describe("tenant rules at admission time", () => {
        let as: string[] = [];
        /** kubectl as the developer. */
        const dev = (args: string[], input?: string) => k([...as, ...args], input);
        /** Asserts the developer's request is refused by the API server with a message naming `rule`. */
        function refused(what: string, rule: string, args: string[], input?: string) {
            const r = dev(args, input);
            assert.notEqual(r.code, 0, `${what} was admitted:\n${r.stdout}`);
            assert.ok(r.stderr.includes(`containercloud: ${rule}:`), `${what}: the refusal does not name ${rule}:\n${r.stderr}`);
        }
        const podJson = (p: object) => JSON.stringify(p);

        before(() => {
            as = ["--as", "smoke-developer@shop", "--as-group", developerGroup()];
            mustK(["create", "namespace", UNLABELLED_NS]);
            mustK(["create", "rolebinding", "developers", "-n", UNLABELLED_NS, "--clusterrole", "edit", "--group", developerGroup()]);
        });

        after(() => {
            k(["delete", "namespace", UNLABELLED_NS, "--wait=false"]);
            k(["delete", "pod", "-n", TENANT_NS, "smoke-conforming", "--ignore-not-found", "--wait=false"]);
        });

        it("the tenant namespace enforces the restricted Pod Security profile", () => {
            const labels = JSON.parse(mustK(["get", "namespace", TENANT_NS, "-o", "json"])).metadata.labels;
            assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted");
        });

        it("refuses deleting the namespace's default-deny NetworkPolicy", () => {
            refused("deleting default-deny", "tenant-namespace-default-deny", ["delete", "networkpolicy", "-n", TENANT_NS, "default-deny", "--dry-run=server"]);
            mustK(["get", "networkpolicy", "-n", TENANT_NS, "default-deny"]);
        });

        it("refuses a NodePort Service", () => {
            refused("a NodePort Service", "router-only-external-services",
                ["create", "service", "nodeport", "smoke-nodeport", "-n", TENANT_NS, "--tcp", "80:8080", "--dry-run=server"]);
        });

        it("refuses a privileged pod: Pod Security first in the tenant namespace, the rule itself where no Pod Security label is set", () => {
            const privileged = (ns: string) => {
                const p = pod("smoke-privileged", ns, ["sleep", "3600"]);
                Object.assign(p.spec.containers[0].securityContext, { privileged: true, allowPrivilegeEscalation: true });
                return p;
            };
            const inTenant = dev(["create", "--dry-run=server", "-f", "-"], podJson(privileged(TENANT_NS)));
            assert.notEqual(inTenant.code, 0, "a privileged pod was admitted in the tenant namespace");
            assert.match(inTenant.stderr, /privileged/);
            refused("a privileged pod in an unlabelled namespace", "no-privileged-containers", ["create", "--dry-run=server", "-f", "-"], podJson(privileged(UNLABELLED_NS)));
        });

        it("refuses a privileged Deployment in the tenant namespace (Pod Security only warns about workloads)", () => {
            const p = pod("smoke-privileged", TENANT_NS, ["sleep", "3600"]);
            // privileged with allowPrivilegeEscalation: false is invalid (a field error before admission).
            Object.assign(p.spec.containers[0].securityContext, { privileged: true, allowPrivilegeEscalation: true });
            const deployment = {
                apiVersion: "apps/v1", kind: "Deployment",
                metadata: { name: "smoke-privileged", namespace: TENANT_NS },
                spec: { selector: { matchLabels: p.metadata.labels }, template: { metadata: { labels: p.metadata.labels }, spec: p.spec } },
            };
            refused("a privileged Deployment", "no-privileged-containers", ["create", "--dry-run=server", "-f", "-"], podJson(deployment));
        });

        it("refuses a pod without limits, though the namespace's LimitRange would fill them in", () => {
            const p = pod("smoke-no-limits", TENANT_NS, ["sleep", "3600"]);
            delete (p.spec.containers[0] as { resources?: unknown }).resources;
            refused("a pod without limits", "container-resources-required", ["create", "--dry-run=server", "-f", "-"], podJson(p));
        });

        it("refuses a pod with an image from a registry that is not listed", () => {
            const p = pod("smoke-unlisted", TENANT_NS, ["sleep", "3600"]);
            p.spec.containers[0].image = "ghcr.io/someone/busybox:1.37.0";
            refused("an image from ghcr.io", "image-registry-allowed", ["create", "--dry-run=server", "-f", "-"], podJson(p));
        });

        it("forbids reading the registry credentials Secret, and mounting it into a pod", () => {
            const r = dev(["get", "secret", "-n", TENANT_NS, "registry-pull", "-o", "name"]);
            assert.notEqual(r.code, 0, "the developer read the registry credentials");
            assert.match(r.stderr, /Forbidden|forbidden/);
            assert.match(r.stderr, /cannot get resource "secrets"/);
            const p = pod("smoke-mount", TENANT_NS, ["sleep", "3600"]);
            (p.spec.volumes as object[]).push({ name: "creds", secret: { secretName: "registry-pull" } });
            refused("a pod mounting the registry credentials", "no-registry-credential-mounts", ["create", "--dry-run=server", "-f", "-"], podJson(p));
        });

        it("runs a conforming pod for the same developer", () => {
            const p = pod("smoke-conforming", TENANT_NS, ["sleep", "3600"]);
            assert.equal(p.spec.containers[0].image, IMAGE);
            const r = dev(["create", "-f", "-"], podJson(p));
            assert.equal(r.code, 0, r.stderr);
            waitReady(TENANT_NS, ["smoke-conforming"]);
            const gone = dev(["delete", "pod", "-n", TENANT_NS, "smoke-conforming", "--wait=false"]);
            assert.equal(gone.code, 0, gone.stderr);
        });
    });
}
