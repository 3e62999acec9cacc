/**
 * Lean recording mocks for the benchmarks, installed the same way for the program and the floor.
 *
 * Unlike test/helpers/mocks.ts (which looks every response up in the list of all registrations,
 * fine for a test's few dozen resources but quadratic for 10,000), this keeps one record per
 * request and fills in its URN from the response. `settled()` waits for Pulumi's own RPC queue to
 * drain, so no polling interval is added to the measured time.
 */
import * as pulumi from "@pulumi/pulumi";
import { RecordedAlias, RecordedOptions, RecordedResource } from "./bench-floor";
import { mockResourceState } from "./mock-state";

/** What the bench mocks recorded. */
export interface BenchRecorder {
    /** Registrations in the order the monitor received them. */
    readonly resources: RecordedResource[];
    /** Provider function calls (the mocks answer them with {}). */
    readonly calls: string[];
    /** Resolves when every registration the program started has been answered. */
    settled(): Promise<void>;
}

/**
 * Installs the mocks. `keepInputs` stores each resource's resolved inputs and registration
 * options (needed to write the floor fixture; off while measuring so the recording itself costs
 * no memory).
 */
export function installBenchMocks(opts: { stack: string; keepInputs: boolean }): BenchRecorder {
    const resources: RecordedResource[] = [];
    const calls: string[] = [];
    let current: RecordedResource | undefined;
    pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
                if (current !== undefined && opts.keepInputs) {
                    current.inputs = args.inputs ?? {};
                }
                return mockResourceState(args);
            },
            call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
                calls.push(args.token);
                return {};
            },
        },
        "containercloud",
        opts.stack,
        false,
    );
    // The mock monitor calls newResource synchronously inside registerResource (before its first
    // await), so `current` is the request being served when newResource runs.
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: any, cb: (err: unknown, res: any) => void): Promise<void>;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, cb: (err: unknown, res: any) => void) => {
        const rec: RecordedResource = {
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            urn: "",
            parentUrn: req.getParent() ?? "",
            inputs: {},
        };
        if (opts.keepInputs) {
            const options = recordedOptions(req);
            if (options !== undefined) {
                rec.options = options;
            }
        }
        resources.push(rec);
        current = rec;
        const p = register(req, (err: unknown, res: any) => {
            if (res) {
                rec.urn = res.getUrn();
            }
            cb(err, res);
        });
        current = undefined;
        return p;
    };
    return {
        resources,
        calls,
        settled: () => (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs(),
    };
}

/** The registration options of a RegisterResourceRequest that are set, or undefined when none is. */
export function recordedOptions(req: any): RecordedOptions | undefined {
    const o: RecordedOptions = {};
    const list = <T>(v: T[]) => (v.length > 0 ? v : undefined);
    const parentUrn: string = req.getParent() ?? "";
    const aliases: RecordedAlias[] = [...(req.getAliasurnsList() as string[])];
    for (const a of req.getAliasesList() as any[]) {
        if (a.getUrn() !== "") {
            aliases.push(a.getUrn());
            continue;
        }
        const spec = a.getSpec();
        const alias: Exclude<RecordedAlias, string> = {};
        for (const [k, v] of [["name", spec.getName()], ["type", spec.getType()], ["stack", spec.getStack()], ["project", spec.getProject()]] as const) {
            if (v !== "") {
                alias[k] = v;
            }
        }
        if (spec.getNoparent()) {
            alias.noParent = true;
        } else if (spec.getParenturn() !== "" && spec.getParenturn() !== parentUrn) {
            alias.parentUrn = spec.getParenturn();
        }
        aliases.push(alias);
    }
    o.aliases = list(aliases);
    o.dependsOn = list(req.getDependenciesList());
    o.additionalSecretOutputs = list(req.getAdditionalsecretoutputsList());
    o.ignoreChanges = list(req.getIgnorechangesList());
    o.replaceOnChanges = list(req.getReplaceonchangesList());
    if (req.getProtect()) {
        o.protect = true;
    }
    if (req.getDeletebeforereplacedefined()) {
        o.deleteBeforeReplace = req.getDeletebeforereplace();
    }
    if (req.getRetainondelete()) {
        o.retainOnDelete = true;
    }
    const set = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as RecordedOptions;
    return Object.keys(set).length > 0 ? set : undefined;
}
