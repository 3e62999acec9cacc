/**
 * What bench/eval-child.ts needs of the Pulumi program, as one module: the child requires it by a
 * computed path, so `stacks/ts-register.cjs` loads it as an entry of its own and bundles it with
 * the program's files, as it bundles `stacks/index.ts` in a real run, and the floor's child never
 * loads any of it.
 */
export { formatIssue, fromPulumiConfig, parsePlatformConfig } from "../stacks/config";
export { buildPlatform } from "../stacks/platform";
