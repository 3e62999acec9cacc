/** Stack config section `network`: Flannel and NetworkPolicy enforcement. */
import * as z from "zod";
import { Section } from "./profile";
import { dnsLabel } from "../../components/core/validators";
import { subnetManagerError } from "../../components/network/flannel-config";

const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "an IPv4 CIDR such as 10.244.0.0/16");

const backendSchema = z.discriminatedUnion("type", [
    z.strictObject({
        type: z.literal("vxlan"),
        /** VXLAN network identifier. @default Flannel's (1) */
        vni: z.int().min(1).max(16777215).optional(),
        /** UDP port. @default Flannel's (8472) */
        port: z.int().min(1).max(65535).optional(),
        /** Skip encapsulation between nodes on one L2 segment. @default false */
        directRouting: z.boolean().optional(),
        /** MTU of the VXLAN device. @default derived from the node interface */
        mtu: z.int().min(1280).max(9000).optional(),
    }),
    z.strictObject({ type: z.literal("host-gw") }),
    z.strictObject({
        type: z.literal("wireguard"),
        /** UDP listen port. @default 51820 */
        listenPort: z.int().min(1).max(65535).optional(),
        /** Keep-alive seconds for nodes behind NAT. @default 0 */
        persistentKeepaliveInterval: z.int().nonnegative().optional(),
    }),
]);

/** Schema of the `containercloud:network` key. */
export const networkSchema = z.strictObject({
    /** Deploy Flannel (off when the cluster brings its own CNI). */
    enabled: z.boolean(),
    /** Pod CIDR (the controller-manager's --cluster-cidr). */
    podCidr: cidr.default("10.244.0.0/16"),
    /** Service CIDR; checked not to overlap the pod CIDR. */
    serviceCidr: cidr.default("10.96.0.0/12"),
    /** Prefix length of each node's subnet. */
    subnetLen: z.int().min(8).max(30).default(24),
    /** How packets cross nodes. */
    backend: backendSchema.default({ type: "vxlan" }),
    /**
     * Subnet lease store: kube (node.spec.podCIDR), the only one. Flannel's etcd store was removed:
     * the platform's etcd runs on the pod network Flannel provides, so Flannel could never start on it.
     */
    subnetManager: z.literal("kube", { error: (iss) => subnetManagerError(String(iss.input)) }).default("kube"),
    /** NetworkPolicy enforcement beside Flannel. */
    networkPolicy: z.enum(["kube-network-policies", "none"]).default("kube-network-policies"),
    /** Namespace of Flannel and the NetworkPolicy agent. */
    namespace: dnsLabel.default("kube-flannel"),
});

/** Per-environment defaults of `containercloud:network`. */
export const networkSection: Section<typeof networkSchema> = {
    schema: networkSchema,
    profiles: {
        local: { enabled: true, backend: { type: "vxlan" } },
        dev: { enabled: true, backend: { type: "vxlan" } },
        staging: { enabled: true, backend: { type: "vxlan" } },
        prod: { enabled: true, backend: { type: "vxlan" } },
    },
};
