/**
 * What the unit-test and benchmark mocks answer for a new resource: its inputs as state, and for a
 * Kubernetes object without `metadata.name` the name the kubernetes provider would generate
 * (`<resource name>-<8 characters>`), so an autonamed ConfigMap's `metadata.name` resolves under
 * mocks as it does against a cluster. The suffix is derived from the resource name, so runs agree.
 */
import { createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";

export function mockResourceState(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
    const inputs = (args.inputs ?? {}) as Record<string, any>;
    const metadata = inputs.metadata as Record<string, any> | undefined;
    if (typeof metadata?.name === "string") {
        return { id: metadata.name, state: { ...inputs } };
    }
    if (args.type.startsWith("kubernetes:") && metadata !== undefined) {
        const name = `${args.name}-${createHash("sha256").update(args.name).digest("hex").slice(0, 8)}`;
        return { id: name, state: { ...inputs, metadata: { ...metadata, name } } };
    }
    return { id: `${args.name}-id`, state: { ...inputs } };
}
