/**
 * The Code Center on the real nodes: Gitea answers through its Service, a repository created
 * through Gitea's API with the administrator of the `gitea-admin` Secret is cloned with a real
 * `git clone` over HTTP, a commit pushed to it is read back through the API, and wrong or missing
 * credentials are refused. BuildKit builds a Dockerfile with a RUN step (runc in the daemon) for a
 * client pod in the Code Center's namespace, as a CI job would, through the builder's Service; a
 * client in another namespace is refused by the builder's NetworkPolicy.
 *
 * git and the API requests run on the host against the Gitea Service's cluster IP (the host is a
 * node: kube-proxy routes it); buildctl runs in a pod of the BuildKit image.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { localRegistry } from "../../../scripts/lib/local-cluster";
import { BUILDKIT_IMAGE } from "../../../components/versions";
import { mirrorImage } from "../../../components/core/images";
import { k, mustK } from "../../helpers/live-cluster";

const CODE_NS = "containercloud-code";
const BUILD_NS = "containercloud-builds";
const OUTSIDER_NS = "code-center-smoke-outsider";
const BUILDER = `tcp://buildkitd.${BUILD_NS}.svc:1234`;

function secretKey(ns: string, name: string, key: string): string {
    const b64 = mustK(["get", "secret", "-n", ns, name, "-o", `jsonpath={.data.${key}}`]).trim();
    assert.ok(b64.length > 0, `secret ${ns}/${name} has no ${key}`);
    return Buffer.from(b64, "base64").toString("utf8");
}

/** A pod of the BuildKit image that runs buildctl (restricted-profile compliant: the Code Center's namespace enforces it). */
function buildctlPod(name: string, ns: string) {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: ns, labels: { app: name } },
        spec: {
            restartPolicy: "Never",
            terminationGracePeriodSeconds: 1,
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
            containers: [{
                name: "main",
                image: mirrorImage(BUILDKIT_IMAGE, localRegistry()),
                command: ["sleep", "3600"],
                env: [{ name: "HOME", value: "/tmp" }],
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            }],
            volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
        },
    };
}

/** The Dockerfile the builder is given: busybox from the context, one RUN step that writes the build argument. */
const DOCKERFILE = [
    "FROM scratch",
    "ARG TOKEN",
    "COPY busybox /bin/busybox",
    "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox echo \\\"built $TOKEN\\\" > /built.txt\"]",
    "",
].join("\n");

export function codeCenterSmoke(): void {
    describe("code center (Gitea and BuildKit)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "containercloud-code-smoke-"));
        let base = "";
        let user = "";
        let password = "";
        const repo = `smoke-${crypto.randomBytes(4).toString("hex")}`;

        /** A request to Gitea's API as the administrator (or with the given Authorization header). */
        async function api(method: string, p: string, body?: unknown, authorization?: string) {
            const auth = authorization ?? `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
            const r = await fetch(`${base}/api/v1${p}`, {
                method,
                headers: { Authorization: auth, "Content-Type": "application/json", Accept: "application/json" },
                body: body === undefined ? undefined : JSON.stringify(body),
                signal: AbortSignal.timeout(30_000),
            });
            const text = await r.text();
            return { status: r.status, text, json: () => JSON.parse(text) };
        }

        /** git on the host; the credentials go in through the environment (an extra header), never in arguments. */
        function git(args: string[], cwd = dir, credentials = true) {
            const header = `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
            const env: NodeJS.ProcessEnv = {
                ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1", HOME: dir,
                GIT_AUTHOR_NAME: "smoke", GIT_AUTHOR_EMAIL: "smoke@example.com", GIT_COMMITTER_NAME: "smoke", GIT_COMMITTER_EMAIL: "smoke@example.com",
                ...(credentials ? { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.extraHeader", GIT_CONFIG_VALUE_0: header } : {}),
            };
            const r = spawnSync("git", args, { cwd, env, encoding: "utf8", timeout: 120_000 });
            return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? String(r.error ?? "") };
        }

        before(() => {
            mustK(["rollout", "status", "-n", CODE_NS, "statefulset/gitea", "--timeout=300s"]);
            mustK(["rollout", "status", "-n", BUILD_NS, "deployment/buildkitd", "--timeout=300s"]);
            user = secretKey(CODE_NS, "gitea-admin", "username");
            password = secretKey(CODE_NS, "gitea-admin", "password");
            const ip = mustK(["get", "svc", "-n", CODE_NS, "gitea", "-o", "jsonpath={.spec.clusterIP}"]).trim();
            base = `http://${ip}`;
            k(["delete", "namespace", OUTSIDER_NS, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
            mustK(["create", "namespace", OUTSIDER_NS]);
            mustK(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [buildctlPod("code-smoke-client", CODE_NS), buildctlPod("code-smoke-outsider", OUTSIDER_NS)] }));
            mustK(["wait", "-n", CODE_NS, "--for=condition=Ready", "--timeout=180s", "pod/code-smoke-client"]);
            mustK(["wait", "-n", OUTSIDER_NS, "--for=condition=Ready", "--timeout=180s", "pod/code-smoke-outsider"]);
        });

        after(() => {
            k(["delete", "pod", "-n", CODE_NS, "code-smoke-client", "--ignore-not-found", "--wait=false"]);
            k(["delete", "namespace", OUTSIDER_NS, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
            fs.rmSync(dir, { recursive: true, force: true });
        });

        it("answers its health check and reports the version built here through the Service", async () => {
            const health = await fetch(`${base}/api/healthz`, { signal: AbortSignal.timeout(10_000) });
            assert.equal(health.status, 200);
            assert.equal(((await health.json()) as { status: string }).status, "pass");
            const version = await api("GET", "/version");
            assert.equal(version.status, 200, version.text);
            assert.equal(version.json().version, "1.27.3");
        });

        it("refuses the API with a wrong password", async () => {
            const r = await api("GET", "/user", undefined, `Basic ${Buffer.from(`${user}:${password}x`).toString("base64")}`);
            assert.equal(r.status, 401, r.text);
        });

        it("creates a private repository through the API with the administrator of the gitea-admin Secret", async () => {
            const r = await api("POST", "/user/repos", { name: repo, private: true, auto_init: true, readme: "Default", default_branch: "main" });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json().full_name, `${user}/${repo}`);
            assert.equal(r.json().private, true);
        });

        it("clones the repository with git over HTTP, and refuses an anonymous clone", () => {
            const url = `${base}/${user}/${repo}.git`;
            const clone = git(["clone", url, "clone"]);
            assert.equal(clone.code, 0, clone.stderr);
            assert.match(fs.readFileSync(path.join(dir, "clone", "README.md"), "utf8"), new RegExp(repo));
            const anonymous = git(["clone", url, "anonymous"], dir, false);
            assert.notEqual(anonymous.code, 0, "an anonymous client cloned a private repository");
            assert.match(anonymous.stderr, /Authentication failed|could not read Username|401/);
        });

        it("takes a pushed commit and serves it back through the API", async () => {
            const work = path.join(dir, "clone");
            const token = crypto.randomBytes(8).toString("hex");
            fs.writeFileSync(path.join(work, "smoke.txt"), `${token}\n`);
            for (const args of [["add", "smoke.txt"], ["commit", "-m", `smoke ${token}`], ["push", "origin", "HEAD:main"]]) {
                const r = git(args, work);
                assert.equal(r.code, 0, `git ${args[0]}: ${r.stderr}`);
            }
            const head = git(["rev-parse", "HEAD"], work).stdout.trim();
            const branch = await api("GET", `/repos/${user}/${repo}/branches/main`);
            assert.equal(branch.status, 200, branch.text);
            assert.equal(branch.json().commit.id, head);
            const file = await api("GET", `/repos/${user}/${repo}/contents/smoke.txt?ref=main`);
            assert.equal(file.status, 200, file.text);
            assert.equal(Buffer.from(file.json().content, "base64").toString("utf8"), `${token}\n`);
        });

        it("builds a Dockerfile with a RUN step through the builder's Service for a client in the Code Center's namespace", () => {
            const token = crypto.randomBytes(8).toString("hex");
            const script = [
                "set -eu",
                "mkdir -p /tmp/ctx && cp /usr/bin/busybox /tmp/ctx/busybox && cat > /tmp/ctx/Dockerfile",
                `buildctl --addr ${BUILDER} build --frontend dockerfile.v0 --local context=/tmp/ctx --local dockerfile=/tmp/ctx ` +
                    `--opt build-arg:TOKEN=${token} --output type=tar,dest=/tmp/out.tar`,
                "tar -xOf /tmp/out.tar built.txt",
            ].join("\n");
            const r = k(["exec", "-i", "-n", CODE_NS, "code-smoke-client", "--", "sh", "-c", script], DOCKERFILE);
            assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
            assert.equal(r.stdout.trim(), `built ${token}`);
        });

        it("lists the builder's OCI worker for the Code Center's namespace and refuses a client in another namespace", () => {
            const inside = k(["exec", "-n", CODE_NS, "code-smoke-client", "--", "buildctl", "--addr", BUILDER, "debug", "workers"]);
            assert.equal(inside.code, 0, inside.stderr);
            assert.match(inside.stdout, /linux\/amd64/);
            const outside = k(["exec", "-n", OUTSIDER_NS, "code-smoke-outsider", "--", "buildctl", "--timeout", "5", "--addr", BUILDER, "debug", "workers"]);
            assert.notEqual(outside.code, 0, `a client outside ${CODE_NS} reached the builder: ${outside.stdout}`);
        });
    });
}
