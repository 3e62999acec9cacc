/**
 * Checkers the tests run on rendered manifests and configs, built from Go modules and cached like
 * every other tool (tools.ts).
 */
import { GoTool } from "./tools";

/** kube-score release (static checks of Kubernetes objects). */
export const KUBE_SCORE_VERSION = "v1.20.0";

/** kube-score, with the version variable upstream's release build sets. */
export function kubeScoreTool(): GoTool {
    return {
        id: "kube-score",
        version: KUBE_SCORE_VERSION,
        binary: "kube-score",
        wrapper: "tools/go/kube-score",
        pkg: "github.com/zegl/kube-score/cmd/kube-score",
        ldflags: ["-s", "-w", `-X main.version=${KUBE_SCORE_VERSION}`],
    };
}
