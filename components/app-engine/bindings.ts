/**
 * Service bindings: how an app receives the credentials of a backing service, as a Secret in the
 * servicebinding.io layout mounted at `/bindings/<name>/` and as `<NAME>_*` environment variables.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { ServiceType } from "./app-manifest";

type EnvVar = k8s.types.input.core.v1.EnvVar;

/** Keys of a binding Secret, in the servicebinding.io layout. */
export const BINDING_KEYS = ["type", "provider", "host", "port", "username", "password", "database", "uri"] as const;
/** Where bindings are mounted (`$SERVICE_BINDING_ROOT`). */
export const BINDING_ROOT = "/bindings";

/** A service an app is bound to: a Secret (in the app's namespace) with `BINDING_KEYS`. */
export interface AppBinding {
    /** Binding name: `/bindings/<name>/...` and the `<NAME>_*` env prefix. */
    name: string;
    /** Service type. */
    type: ServiceType;
    /** Name of the binding Secret. Give it as text when `secret` is set (see `BindingSecretRef`). */
    secretName: pulumi.Input<string>;
    /** The binding Secret, when the program creates it: the app's workloads wait for it. */
    secret?: pulumi.Resource;
}

/**
 * A binding Secret as the App Engine hands it to apps: its name as text, and the Secret to wait
 * for. Its name is fixed, so a changed binding is replaced delete-first; workloads taking the
 * Secret's Output would be deleted and recreated with it (test/core/replacement-safety.test.ts).
 */
export interface BindingSecretRef {
    name: string;
    secret?: pulumi.Resource;
}

/** Env prefix of a binding: upper case, non-alphanumerics as `_`. */
export function bindingEnvPrefix(name: string): string {
    return name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

const CONVENTIONAL_URL: Record<ServiceType, string> = {
    postgres: "DATABASE_URL",
    mysql: "DATABASE_URL",
    redis: "REDIS_URL",
    rabbitmq: "AMQP_URL",
};

/**
 * Env vars of the bindings, every value a `secretKeyRef` (never a literal): `<NAME>_HOST`,
 * `<NAME>_PORT`, ..., plus the conventional URL variable (`DATABASE_URL`, `REDIS_URL`,
 * `AMQP_URL`) for the first binding of each kind.
 */
export function bindingEnvVars(bindings: AppBinding[]): EnvVar[] {
    const out: EnvVar[] = [{ name: "SERVICE_BINDING_ROOT", value: BINDING_ROOT }];
    const conventional = new Set<string>();
    for (const b of bindings) {
        const prefix = bindingEnvPrefix(b.name);
        for (const key of ["host", "port", "username", "password", "database", "uri"]) {
            out.push({ name: `${prefix}_${key.toUpperCase()}`, valueFrom: { secretKeyRef: { name: b.secretName, key } } });
        }
        const url = CONVENTIONAL_URL[b.type];
        if (!conventional.has(url)) {
            conventional.add(url);
            out.push({ name: url, valueFrom: { secretKeyRef: { name: b.secretName, key: "uri" } } });
        }
    }
    return out;
}

/** The projected volume that lays every binding Secret out as `/bindings/<name>/<key>`. */
export function bindingProjectedVolume(bindings: AppBinding[]): k8s.types.input.core.v1.Volume {
    return {
        name: "bindings",
        projected: {
            defaultMode: 0o440,
            sources: bindings.map((b) => ({
                secret: { name: b.secretName, items: BINDING_KEYS.map((k) => ({ key: k, path: `${b.name}/${k}` })) },
            })),
        },
    };
}
