/** Stack config sections `cluster` (where the platform is deployed) and the top-level platform values. */
import * as z from "zod";
import { Section } from "./profile";
import { DNS_NAME } from "../../components/core/validators";

/** Where `pulumi up` sends the Kubernetes objects. */
export const clusterSchema = z.discriminatedUnion("mode", [
    z.strictObject({
        mode: z.literal("render"),
        /** Folder the kubernetes provider writes manifests to (Secrets in plain text: keep it out of git). */
        renderDir: z.string().min(1),
    }),
    z.strictObject({
        mode: z.literal("kubeconfig"),
        /** Path to a kubeconfig file. @default the provider's usual lookup ($KUBECONFIG, ~/.kube/config) */
        kubeconfig: z.string().min(1).optional(),
        /** Context within the kubeconfig. @default the current context */
        context: z.string().min(1).optional(),
    }),
    z.strictObject({
        mode: z.literal("local"),
        /** Kubeconfig written by `npm run local -- up`. @default ".state/local/kubeconfig" */
        kubeconfig: z.string().min(1).default(".state/local/kubeconfig"),
    }),
]);

/** Per-environment defaults of `containercloud:cluster`. */
export const clusterSection: Section<typeof clusterSchema> = {
    schema: clusterSchema,
    profiles: {
        local: { mode: "render", renderDir: "out/local" },
        dev: { mode: "render", renderDir: "out/dev" },
        staging: { mode: "render", renderDir: "out/staging" },
        prod: { mode: "render", renderDir: "out/prod" },
    },
};

/** Base domain: apps get `<app>.<team>.<domain>`, the platform `console.<domain>`, `registry.<domain>`... */
export const domainSchema = z.string().regex(DNS_NAME, "a DNS domain such as apps.example.com");

/** Registry host (optionally with a path) that replaces the registry of every image. */
export const imageMirrorSchema = z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._/-]+)?$/, "a registry host such as mirror.example.com:5000").optional();
