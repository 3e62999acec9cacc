/** Loads serialized dynamic-provider code the way `pulumi-nodejs` does, for tests. */
import type * as pulumi from "@pulumi/pulumi";

/** Evaluates a serialized provider module (`exports.handler = ...`) and returns the provider its handler gives. */
export function loadSerializedProvider(text: string): pulumi.dynamic.ResourceProvider & Record<string, any> {
    const mod: { exports: { handler?: () => any } } = { exports: {} };
    new Function("module", "exports", "require", text)(mod, mod.exports, require);
    if (typeof mod.exports.handler !== "function") {
        throw new Error("the serialized provider exports no handler");
    }
    return mod.exports.handler();
}
