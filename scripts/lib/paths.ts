/** Where the project keeps its state, logs and tool cache. */
import * as os from "os";
import * as path from "path";

/** The project root. */
export const ROOT = path.resolve(__dirname, "..", "..");
/** Git-ignored state: Pulumi backend, PULUMI_HOME, kubeconfigs, logs, tool links. */
export const STATE = path.join(ROOT, ".state");
/** Logs of setup, builds and local control plane processes. */
export const LOGS = path.join(STATE, "logs");
/** Folder put first on PATH for every Pulumi run: the CLI, language host and plugins. */
export const BIN = path.join(STATE, "bin");
/** PULUMI_HOME: plugins and credentials, inside the project so nothing touches ~/.pulumi. */
export const PULUMI_HOME = path.join(STATE, "pulumi-home");
/** The local file backend. */
export const BACKEND_DIR = path.join(STATE, "backend");
/**
 * Tool build cache, outside the repo so fresh clones and CI reuse it:
 * $CONTAINERCLOUD_CACHE, else $XDG_CACHE_HOME/containercloud, else ~/.cache/containercloud.
 */
export const CACHE =
    process.env.CONTAINERCLOUD_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "containercloud");
