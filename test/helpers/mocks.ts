/**
 * Pulumi mocks that record every registration, for unit tests.
 *
 * Call `recordRegistrations()` before importing the module under test (dynamic `import()`), build
 * the resources, then `await rec.settle()` and assert on `rec.all` / `rec.ofType(...)` / `rec.one(...)`.
 * `call` throws for every function: a component that invokes a provider function must be mocked
 * explicitly, so nothing is looked up silently.
 */
import * as pulumi from "@pulumi/pulumi";
import { mockResourceState } from "../../scripts/lib/mock-state";

/** One resource the program registered. */
export interface Registration {
    /** Pulumi type token, e.g. `kubernetes:apps/v1:StatefulSet`. */
    type: string;
    /** Pulumi resource name (not the Kubernetes name). */
    name: string;
    /** Resolved inputs as the provider would receive them. */
    inputs: Record<string, any>;
    /** True for custom (provider) resources, false for components. */
    custom: boolean;
    /** URN of the parent resource, or "" for the stack. */
    parentUrn: string;
    /** Name of the parent resource, or "" for the stack. */
    parentName: string;
    /** Type of the parent resource, or "" for the stack. */
    parentType: string;
    /** URN the mock monitor assigned. */
    urn: string;
    /** Per top-level input, the URNs of the resources whose Outputs flow into it. */
    propertyDependencies: Record<string, string[]>;
    /** The `retainOnDelete` resource option: Pulumi leaves the object in place on delete. */
    retainOnDelete: boolean;
}

/** The registrations recorded by `recordRegistrations`. */
export class Recorder {
    readonly all: Registration[] = [];

    /** Every registration of a type token. */
    ofType(type: string): Registration[] {
        return this.all.filter((r) => r.type === type);
    }

    /** Every registration whose Pulumi name matches. */
    named(name: string): Registration[] {
        return this.all.filter((r) => r.name === name);
    }

    /** Exactly one registration of a type and name; throws with the known names otherwise. */
    one(type: string, name: string): Registration {
        const found = this.all.filter((r) => r.type === type && r.name === name);
        if (found.length !== 1) {
            const known = this.ofType(type).map((r) => r.name);
            throw new Error(`expected one ${type} named ${name}, found ${found.length} (known: ${known.join(", ") || "none"})`);
        }
        return found[0];
    }

    /** Children whose parent is the named resource. */
    childrenOf(parentName: string): Registration[] {
        return this.all.filter((r) => r.parentName === parentName);
    }

    /** Waits until every registration the program started has been recorded. */
    async settle(): Promise<void> {
        // Registrations are asynchronous; wait for the queue of outstanding RPCs to drain.
        let last = -1;
        for (let i = 0; i < 200 && last !== this.all.length; i++) {
            last = this.all.length;
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
    }
}

/** Options for `recordRegistrations`. */
export interface RecordOptions {
    /** Stack name the mocks report. @default "test" */
    stack?: string;
    /** Whether the program runs as a preview (outputs unknown where the provider computes them). @default false */
    preview?: boolean;
}

function lastSegment(urn: string): { name: string; type: string } {
    if (!urn) {
        return { name: "", type: "" };
    }
    const parts = urn.split("::");
    const types = parts[2] ?? "";
    return { name: parts[3] ?? "", type: types.split("$").pop() ?? "" };
}

/** A registration request being served: what newResource is not told, and the record it makes. */
interface Request {
    parentUrn: string;
    propertyDependencies: Record<string, string[]>;
    retainOnDelete: boolean;
    record?: Registration;
}

/**
 * Installs Pulumi mocks that record every registration (with its parent) and returns the recorder.
 * Resource state: the inputs, plus the name the provider would generate (scripts/lib/mock-state.ts).
 */
export function recordRegistrations(opts: RecordOptions = {}): Recorder {
    const rec = new Recorder();
    // The request being served: the mock monitor calls newResource synchronously inside
    // registerResource (before its first await), and newResource is not told the parent.
    let current: Request | undefined;
    pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
                const parentUrn = current?.parentUrn ?? "";
                const parent = lastSegment(parentUrn);
                const record: Registration = {
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs,
                    custom: args.custom ?? true,
                    parentUrn,
                    parentName: parent.name,
                    parentType: parent.type,
                    urn: "",
                    propertyDependencies: current?.propertyDependencies ?? {},
                    retainOnDelete: current?.retainOnDelete ?? false,
                };
                rec.all.push(record);
                if (current !== undefined) {
                    current.record = record;
                }
                return mockResourceState(args);
            },
            call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
                throw new Error(`unexpected provider function call in a unit test: ${args.token}`);
            },
        },
        "containercloud",
        opts.stack ?? "test",
        opts.preview ?? false,
    );
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, res: any) => void) => {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
            propertyDependencies[key] = deps.getUrnsList();
        });
        const request: Request = { parentUrn: req.getParent() ?? "", propertyDependencies, retainOnDelete: req.getRetainondelete() ?? false };
        current = request;
        const served = register(req, (err: any, res: any) => {
            if (res && request.record !== undefined) {
                request.record.urn = res.getUrn();
            }
            callback(err, res);
        });
        current = undefined;
        return served;
    };
    return rec;
}

/** Resolves an Output (or plain value) to its value, for assertions. */
export function valueOf<T>(o: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(o).apply((v) => resolve(v as T)));
}
