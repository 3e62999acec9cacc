/**
 * The NetworkPolicy enforcer that runs beside Flannel: kube-network-policies, the Kubernetes SIG
 * Network project (Apache-2.0), built from Go modules and cached like the other tools (see tools.ts).
 *
 * Upstream hands the first packet of each connection of a policy-selected pod to a userspace
 * policy engine through nfqueue, and installs that diversion with the native nf_tables `queue`
 * expression. Kernels built without CONFIG_NFT_QUEUE (this project's build machines among them)
 * refuse the rule batch, so upstream would install no rule and enforce nothing. The wrapper
 * therefore builds a copy of the module that diverts through the xtables NFQUEUE target via
 * nft_compat (CONFIG_NFT_COMPAT + CONFIG_NETFILTER_XT_TARGET_NFQUEUE) instead; `prepare` makes
 * that copy (tools/go/kube-network-policies/patch.go). Kernels that have either feature (Debian's
 * stock kernels have both, as modules) run the patched build unchanged.
 */
import { execFileSync } from "child_process";
import { GoTool } from "./tools";

/** kube-network-policies release the enforcer is built from. */
export const KUBE_NETWORK_POLICIES_VERSION = "v1.1.1";

/**
 * Debian packages the enforcer's image needs at run time: none. It programs nf_tables, nfqueue and
 * conntrack over netlink itself and runs no iptables, nft or ipset program (upstream's image is
 * distroless/static). Add `nftables` only to debug (`nft list table inet kube-network-policies`).
 */
export const KUBE_NETWORK_POLICIES_RUNTIME_APT_PACKAGES: string[] = [];

/** The policy enforcer tool. */
export function netpolTools(): GoTool[] {
    return [
        {
            id: "kube-network-policies",
            version: KUBE_NETWORK_POLICIES_VERSION,
            binary: "kube-network-policies",
            wrapper: "tools/go/kube-network-policies",
            pkg: "sigs.k8s.io/kube-network-policies/cmd/kube-network-policies/standard",
            ldflags: ["-s", "-w"],
            // Lays out ./upstream (the patched copy go.mod's replace points at). patch.go is part
            // of the wrapper hash, so a changed patch gets a new cache entry.
            prepare: (dir) => {
                execFileSync("go", ["run", "patch.go"], {
                    cwd: dir,
                    stdio: "inherit",
                    env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod -buildvcs=false" },
                });
            },
        },
    ];
}
