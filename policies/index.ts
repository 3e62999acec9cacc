/**
 * The policy pack: every rule of rules/, with the initial config of the environment named by
 * CONTAINERCLOUD_POLICY_ENV (local, dev, staging or prod). `--policy-pack-config <file>` on the
 * CLI layers over it, so `pulumi preview --policy-pack policies --policy-pack-config
 * policies/config/prod.json` works without the variable.
 */
import { PolicyPack, type PolicyPackConfig } from "@pulumi/policy";
import * as fs from "fs";
import * as path from "path";
import { allPolicies } from "./rules";

const ENVIRONMENTS = ["local", "dev", "staging", "prod"];

/** The per-environment config file's content, or `undefined` to use every rule's own defaults. */
function environmentConfig(env: string | undefined): PolicyPackConfig | undefined {
    if (env === undefined || env === "") {
        return undefined;
    }
    if (!ENVIRONMENTS.includes(env)) {
        throw new Error(`CONTAINERCLOUD_POLICY_ENV must be one of ${ENVIRONMENTS.join(", ")} (got "${env}")`);
    }
    return JSON.parse(fs.readFileSync(path.join(__dirname, "config", `${env}.json`), "utf8")) as PolicyPackConfig;
}

new PolicyPack("containercloud", {
    description: "Makes the container cloud's limits mandatory: resources, images, pod security, availability, network isolation and storage quorum.",
    displayName: "Container cloud platform limits",
    provider: "kubernetes",
    tags: ["kubernetes", "pod-security-standards", "containercloud"],
    policies: [...allPolicies],
}, environmentConfig(process.env.CONTAINERCLOUD_POLICY_ENV));
