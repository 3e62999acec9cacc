import { stackRule, subjectOf } from "../lib/rule";
import type { PlatformStackPolicy, RuleOptions } from "../lib/types";
import { metadataOf, namespaceOf, ROLE_LABEL, TYPES } from "../lib/workloads";

/** The policy name. */
export const ROUTER_ONLY_EXTERNAL_SERVICES = "router-only-external-services";

/** Config of `router-only-external-services`. */
export interface RouterOnlyConfig {
    /** Namespaces that may expose LoadBalancer/NodePort Services besides those labelled as the router. @default [] */
    routerNamespaces: string[];
}

const EXTERNAL = ["LoadBalancer", "NodePort"];

/** All outside traffic enters through the App Router, where routing, TLS and rate limits live. */
export function routerOnlyExternalServices(opts: RuleOptions = {}): PlatformStackPolicy {
    return stackRule<RouterOnlyConfig>({
        name: ROUTER_ONLY_EXTERNAL_SERVICES,
        description: "Only the App Router's namespace (label containercloud.io/role: router, or config routerNamespaces) exposes LoadBalancer or NodePort Services.",
        remediationSteps: "Use a ClusterIP Service and publish the app through an App Router route; a second ingress namespace goes into routerNamespaces in the environment's policy config.",
        exemptible: false,
        defaultLevel: "mandatory",
        config: {
            defaults: { routerNamespaces: [] },
            schema: {
                properties: {
                    routerNamespaces: { type: "array", items: { type: "string" }, default: [], description: "Extra namespaces allowed to expose LoadBalancer/NodePort Services." },
                },
            },
        },
        check: ({ resources, config, report, notApplicable }) => {
            const external = resources.filter((r) => r.type === TYPES.service
                && EXTERNAL.includes(String((r.props.spec as { type?: string } | undefined)?.type ?? "")));
            if (external.length === 0) {
                notApplicable("no LoadBalancer or NodePort Services in the stack");
            }
            const routers = new Set(config.routerNamespaces);
            for (const ns of resources.filter((r) => r.type === TYPES.namespace)) {
                const meta = metadataOf(ns.props);
                if (meta.labels?.[ROLE_LABEL] === "router") {
                    routers.add(meta.name ?? ns.name);
                }
            }
            for (const svc of external) {
                const ns = namespaceOf(svc.props, svc.provider);
                if (!routers.has(ns)) {
                    const kind = (svc.props.spec as { type?: string }).type;
                    report(`${subjectOf(svc.type, svc.props, svc.name)} in namespace ${ns} is type ${kind}; only the App Router may expose Services outside the cluster`, svc);
                }
            }
        },
    }, opts);
}
