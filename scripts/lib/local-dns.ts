/**
 * The local cluster's DNS for the platform's names. Each node's hosts file (its own, bound at
 * /etc/hosts in the node's mount namespace: real-nodes.ts) maps `registry.<domain>` to the App
 * Router's Service address, as a site's DNS maps the platform's names to its load balancer; the
 * nodes' containerd then pulls tenants' images from the platform registry through the router, over
 * TLS it verifies against the platform CA (components/registry/node-trust.ts). Written after each
 * `pulumi up` of the local stack (`npm start`, the real-nodes test). The host's /etc/hosts is not
 * touched.
 */
import * as fs from "fs";
import { LOCAL_CLUSTER, localNodeHostsFiles } from "./local-cluster";
import { localDomain } from "./local-stack";
import { kubectl } from "./kubectl";

/** Namespace and Service of the App Router (AppRouter's defaults). */
const ROUTER = { namespace: "containercloud-router", service: "traefik" };
/** Marks the lines this module owns, so a second run replaces them. */
const MARK = "# containercloud local DNS";

/** A hosts file: `base` without lines written before, then one line per record. */
export function renderNodeHosts(base: string, records: Record<string, string>): string {
    const kept = base.split("\n").filter((l) => !l.endsWith(MARK)).join("\n").replace(/\n*$/, "\n");
    const added = Object.entries(records).map(([name, ip]) => `${ip} ${name} ${MARK}`);
    return kept + added.map((l) => `${l}\n`).join("");
}

/**
 * Points `registry.<domain>` at the router's Service on every node; returns the records written.
 * Throws when the router's Service has no address (the router is off, or `up` did not create it).
 */
export function publishLocalDns(): Record<string, string> {
    const r = kubectl(["get", "service", "-n", ROUTER.namespace, ROUTER.service, "-o", "jsonpath={.spec.clusterIP}"], undefined, LOCAL_CLUSTER);
    const ip = r.stdout.trim();
    if (r.code !== 0 || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) {
        throw new Error(`local DNS: the App Router's Service ${ROUTER.namespace}/${ROUTER.service} has no address (${r.stderr.trim() || ip || "empty"}); is appEngine.router on in stacks/Pulumi.local.yaml?`);
    }
    const records = { [`registry.${localDomain()}`]: ip };
    for (const file of localNodeHostsFiles()) {
        // Written in place: the node's bind mount holds this inode.
        fs.writeFileSync(file, renderNodeHosts(fs.readFileSync(file, "utf8"), records));
    }
    return records;
}
