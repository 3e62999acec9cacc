/** The kubernetes provider for the stack's cluster target. */
import * as path from "path";
import * as k8s from "../components/core/k8s";
import { PlatformConfig } from "./config";

/** Creates the provider: render-only to a folder, a kubeconfig, or the local control plane. */
export function clusterProvider(cluster: PlatformConfig["cluster"], projectDir: string): k8s.Provider {
    switch (cluster.mode) {
        case "render":
            return new k8s.Provider("cluster", { renderYamlToDirectory: path.resolve(projectDir, cluster.renderDir) });
        case "kubeconfig":
            return new k8s.Provider("cluster", { kubeconfig: cluster.kubeconfig, context: cluster.context });
        case "local":
            return new k8s.Provider("cluster", { kubeconfig: path.resolve(projectDir, cluster.kubeconfig) });
    }
}
