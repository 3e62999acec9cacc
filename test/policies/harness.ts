/**
 * Runs policies of the pack without the analyzer: builds the arguments the policy host would pass
 * (`isType`, `asType`, `getConfig`, a throwing `notApplicable`, `props`, `name`, `urn`, `opts`) and
 * collects what resource and stack validations report. Props are wrapped in the host's own
 * unknown-checking proxy, so rules meet the same objects as under `pulumi preview`.
 */
import type {
    EnforcementLevel,
    PlatformPolicy,
    PolicyResource,
    ResourceValidationArgs,
    StackValidationArgs,
} from "../../policies/rules";

/** The policy host's proxy module (internal to @pulumi/policy, hence typed here). */
interface HostProxy {
    unknownCheckingProxy<T>(value: T): T;
    UnknownValueError: new (...args: never[]) => Error;
    unknownStringValue: string;
    unknownArrayValue: string;
    unknownObjectValue: string;
}
// A require, not an import: the module ships no type declarations.
const hostProxy = require("@pulumi/policy/proxy") as HostProxy;

/** Sentinels the engine puts where a value is unknown during preview. */
export const UNKNOWN = {
    string: hostProxy.unknownStringValue,
    array: hostProxy.unknownArrayValue,
    object: hostProxy.unknownObjectValue,
} as const;

/** Thrown by `notApplicable`, as the policy host does. */
export class NotApplicable extends Error {
    constructor(readonly reason?: string) {
        super(`not applicable: ${reason ?? ""}`);
    }
}

/** One reported violation. */
export interface Report {
    policy: string;
    message: string;
    /** The resource a stack policy blamed (resource policies always blame the validated resource). */
    urn?: string;
    /** Level the violation is reported at (config, then the policy's own). */
    level: EnforcementLevel;
}

/** What one policy did with one input. */
export interface Outcome {
    reports: Report[];
    /** Messages of `reports`, for short asserts. */
    messages: string[];
    /** Set when the policy declared itself not applicable. */
    notApplicable?: string;
    /** Set when the policy read a value unknown during preview (the host reports it as advisory). */
    unknown?: string;
}

/** A policy's entry in a policy-pack config file. */
export type PolicyConfigEntry = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

/** Options of a run. */
export interface RunOptions {
    /** Pulumi name of the resource. @default the Kubernetes name, else "subject" */
    name?: string;
    /** The policy's entry in the pack config (properties and/or level). @default none */
    config?: PolicyConfigEntry;
    /** Provider props (e.g. `{ namespace: "shop" }`). @default none */
    provider?: Record<string, unknown>;
}

/** The URN the engine would give a resource of `type` named `name`. */
export function urnOf(type: string, name: string): string {
    return `urn:pulumi:test::policies::${type}::${name}`;
}

const OPTS = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

function nameOf(props: Record<string, unknown>, name?: string): string {
    const k8sName = (props.metadata as { name?: unknown } | undefined)?.name;
    return name ?? (typeof k8sName === "string" ? k8sName : "subject");
}

function configProps(entry: PolicyConfigEntry | undefined): Record<string, unknown> {
    if (entry === undefined || typeof entry === "string") {
        return {};
    }
    const { enforcementLevel: _level, ...props } = entry;
    return props;
}

function levelOf(policy: PlatformPolicy, entry: PolicyConfigEntry | undefined): EnforcementLevel {
    const configured = typeof entry === "string" ? entry : entry?.enforcementLevel;
    return configured ?? policy.enforcementLevel ?? "advisory";
}

function provider(props: Record<string, unknown> | undefined) {
    return props === undefined ? undefined : { type: "pulumi:providers:kubernetes", props: hostProxy.unknownCheckingProxy(props), urn: urnOf("pulumi:providers:kubernetes", "k8s"), name: "k8s" };
}

type ResourceClass = { new (...rest: never[]): unknown };

function typeMatches(type: string, cls: ResourceClass): boolean {
    return (cls as unknown as { __pulumiType?: string }).__pulumiType === type;
}

/** The arguments the policy host passes a resource validation. */
export function resourceArgs(type: string, raw: Record<string, unknown>, opts: RunOptions = {}): ResourceValidationArgs {
    const name = nameOf(raw, opts.name);
    const props = hostProxy.unknownCheckingProxy(raw);
    const p = provider(opts.provider);
    return {
        type,
        props,
        name,
        urn: urnOf(type, name),
        opts: { ...OPTS },
        stackTags: new Map<string, string>(),
        ...(p ? { provider: p } : {}),
        isType: (cls) => typeMatches(type, cls as ResourceClass),
        asType: ((cls: ResourceClass) => (typeMatches(type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => configProps(opts.config) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

/** The unwrapped props of resources built by `stackResource`, so `checkAll` does not wrap twice. */
const RAW = new WeakMap<PolicyResource, { props: Record<string, unknown>; provider?: Record<string, unknown> }>();

/** A resource as a stack validation sees it. */
export function stackResource(type: string, raw: Record<string, unknown>, opts: Omit<RunOptions, "config"> = {}): PolicyResource {
    const name = nameOf(raw, opts.name);
    const props = hostProxy.unknownCheckingProxy(raw);
    const p = provider(opts.provider);
    const resource: PolicyResource = {
        type,
        props,
        name,
        urn: urnOf(type, name),
        opts: { ...OPTS },
        ...(p ? { provider: p } : {}),
        dependencies: [],
        propertyDependencies: {},
        isType: (cls) => typeMatches(type, cls as ResourceClass),
        asType: ((cls: ResourceClass) => (typeMatches(type, cls) ? props : undefined)) as PolicyResource["asType"],
    };
    RAW.set(resource, { props: raw, provider: opts.provider });
    return resource;
}

async function collect(policy: PlatformPolicy, entry: PolicyConfigEntry | undefined, run: (report: (message: string, urn?: string) => void) => Promise<void>): Promise<Outcome> {
    const reports: Report[] = [];
    const level = levelOf(policy, entry);
    let notApplicable: string | undefined;
    let unknown: string | undefined;
    try {
        await run((message, urn) => reports.push({ policy: policy.name, message, urn, level }));
    } catch (e) {
        if (e instanceof hostProxy.UnknownValueError) {
            unknown = e.message;
        } else if (e instanceof NotApplicable) {
            notApplicable = e.reason ?? "";
        } else {
            throw e;
        }
    }
    return {
        reports,
        messages: reports.map((r) => r.message),
        ...(notApplicable !== undefined ? { notApplicable } : {}),
        ...(unknown !== undefined ? { unknown } : {}),
    };
}

/** Runs a resource policy on one resource. */
export function checkResource(policy: PlatformPolicy, type: string, props: Record<string, unknown>, opts: RunOptions = {}): Promise<Outcome> {
    if (!("validateResource" in policy) || policy.validateResource === undefined) {
        throw new Error(`${policy.name} is not a resource policy`);
    }
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    const args = resourceArgs(type, props, opts);
    return collect(policy, opts.config, async (report) => {
        for (const validate of validations) {
            // The host ignores a resource policy's urn argument: the validated resource is to blame.
            await validate(args, (message) => report(message, args.urn));
        }
    });
}

/** Runs a stack policy on a stack of resources. */
export function checkStack(policy: PlatformPolicy, resources: PolicyResource[], opts: Pick<RunOptions, "config"> = {}): Promise<Outcome> {
    if (!("validateStack" in policy)) {
        throw new Error(`${policy.name} is not a stack policy`);
    }
    const args: StackValidationArgs = {
        resources,
        stackTags: new Map<string, string>(),
        getConfig: <T extends object>() => configProps(opts.config) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
    return collect(policy, opts.config, async (report) => {
        await policy.validateStack(args, report);
    });
}

/**
 * Runs every policy as a preview would: each resource policy on each resource, then each stack
 * policy on the whole stack; `packConfig` is a parsed policies/config/<env>.json. Policies the
 * config disables are skipped.
 */
export async function checkAll(policies: readonly PlatformPolicy[], resources: PolicyResource[], packConfig: Record<string, PolicyConfigEntry> = {}): Promise<Report[]> {
    const reports: Report[] = [];
    for (const policy of policies) {
        const config = packConfig[policy.name];
        if (levelOf(policy, config) === "disabled") {
            continue;
        }
        if ("validateStack" in policy) {
            reports.push(...(await checkStack(policy, resources, { config })).reports);
            continue;
        }
        for (const r of resources) {
            const raw = RAW.get(r) ?? { props: r.props, provider: r.provider?.props };
            reports.push(...(await checkResource(policy, r.type, raw.props, { name: r.name, config, provider: raw.provider })).reports);
        }
    }
    return reports;
}
