/**
 * A random password created once at deploy time and kept as a Pulumi secret.
 *
 * This is a dynamic provider rather than `@pulumi/random`: the random provider plugin cannot be
 * built on the project's machines, while dynamic providers run inside the `pulumi-nodejs` plugin
 * that ships with `@pulumi/pulumi`. Created once: later runs report no change unless an input changes.
 */
import * as pulumi from "@pulumi/pulumi";
import { Charset, generatePassword, validatePasswordOptions } from "./password";
import { changedKeys } from "./pki";

/** Inputs that, when changed, generate a new value. */
const REPLACE_ON = ["length", "charset", "bcrypt", "generation"] as const;

interface RandomSecretInputs {
    length: number;
    charset: Charset;
    bcrypt: boolean;
    generation: number;
}

/** The dynamic provider behind `RandomSecret` (exported for tests). */
export const randomSecretProvider: pulumi.dynamic.ResourceProvider = {
    async check(olds: any, news: any) {
        const problem = validatePasswordOptions(news.length, news.charset);
        return problem ? { inputs: news, failures: [{ property: problem.split(" ")[0], reason: problem }] } : { inputs: news };
    },
    async create(inputs: RandomSecretInputs) {
        const result = generatePassword(inputs.length, inputs.charset);
        let bcryptHash = "";
        if (inputs.bcrypt) {
            const bcrypt = require("bcryptjs") as typeof import("bcryptjs");
            // cost 10: what htpasswd -B uses; verified on every registry request, so not higher
            bcryptHash = bcrypt.hashSync(result, 10);
        }
        const crypto = require("crypto") as typeof import("crypto");
        return { id: crypto.randomUUID(), outs: { ...inputs, result, bcryptHash } };
    },
    async diff(_id: string, olds: any, news: any) {
        const replaces = changedKeys(olds, news, REPLACE_ON);
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },
};

/** Arguments of `RandomSecret`. */
export interface RandomSecretArgs {
    /** Number of characters. @default 32 */
    length?: number;
    /** Characters to draw from. @default "alphanumeric" */
    charset?: Charset;
    /** Also compute a bcrypt hash (for htpasswd files), once, so it is stable across runs. @default false */
    bcrypt?: boolean;
    /** Bump to rotate the value. @default 0 */
    generation?: number;
}

/** A generated password; `result` and `bcryptHash` are secret outputs. */
export class RandomSecret extends pulumi.dynamic.Resource {
    /** The password. */
    declare public readonly result: pulumi.Output<string>;
    /** bcrypt hash of the password ("" unless `bcrypt` was set). */
    declare public readonly bcryptHash: pulumi.Output<string>;

    constructor(name: string, args: RandomSecretArgs = {}, opts?: pulumi.CustomResourceOptions) {
        const length = args.length ?? 32;
        const charset = args.charset ?? "alphanumeric";
        const problem = validatePasswordOptions(length, charset);
        if (problem) {
            throw new pulumi.ResourceError(`RandomSecret ${name}: ${problem}`, opts?.parent);
        }
        super(randomSecretProvider, name, {
            length,
            charset,
            bcrypt: args.bcrypt ?? false,
            generation: args.generation ?? 0,
            result: undefined,
            bcryptHash: undefined,
        }, { ...opts, additionalSecretOutputs: ["result", "bcryptHash"] }, "containercloud", "RandomSecret");
    }
}
