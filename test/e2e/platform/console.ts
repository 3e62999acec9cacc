/**
 * The Manage System on the live local stack: the console's page from its Service, and a k9s session
 * through the console's WebSocket, logged in with the token an administrator uses (the
 * `console-admin` ServiceAccount's, bound to cluster-admin), that lists the example apps' pods and
 * the cluster's namespaces from the Kubernetes API. The session's output goes through a headless
 * xterm.js, the terminal the page itself runs, so what is asserted is the screen an admin sees.
 * The console's own ServiceAccount is shown to have no rights and no token in the pod.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "undici";
import { Terminal } from "@xterm/headless";
import { k, mustK } from "../../helpers/live-cluster";

const NS = "containercloud-console";
const COLS = 220;
const ROWS = 80;

/** The screen's lines as text. */
function screenText(term: Terminal): string {
    const lines: string[] = [];
    for (let y = 0; y < term.rows; y++) {
        lines.push(term.buffer.active.getLine(y)?.translateToString(true) ?? "");
    }
    return lines.join("\n");
}

/** One step of a session: when the screen passes `when`, type `keys` (none: the session ends there). */
interface Step {
    /** What the step waits for, in words, for a timeout's message. */
    what: string;
    when: (screen: string) => boolean;
    keys?: string;
}

/**
 * A console session as the page runs it: ttyd's `tty` WebSocket protocol (a JSON hello with the
 * terminal's size, then `0`-prefixed input and output), under the page's own origin. Walks the
 * steps and resolves with the screen once the last one shows; rejects with the screen on timeout.
 */
/** The console container's latest log lines (ttyd logs each session's start and its process's exit): what a failure message needs. */
function consoleLog(): string {
    const r = k(["logs", "-n", NS, "deployment/console", "-c", "console", "--tail", "15"]);
    return r.code === 0 ? r.stdout : r.stderr;
}

function session(base: string, steps: Step[], timeoutMs = 90_000): Promise<string> {
    const term = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}/ws`, { protocols: ["tty"], headers: { Origin: base } });
    ws.binaryType = "arraybuffer";
    const send = (s: string) => ws.send(new TextEncoder().encode(s));
    let step = 0;
    return new Promise((resolve, reject) => {
        const finish = (err?: Error) => {
            clearTimeout(timer);
            ws.close();
            return err ? reject(new Error(`${err.message}\nconsole log:\n${consoleLog()}`)) : resolve(screenText(term));
        };
        const timer = setTimeout(() => finish(new Error(`no ${steps[step].what} on the console's screen within ${timeoutMs / 1000}s; it shows:\n${screenText(term)}`)), timeoutMs);
        ws.onopen = () => send(JSON.stringify({ AuthToken: "", columns: COLS, rows: ROWS }));
        ws.onerror = () => finish(new Error(`WebSocket ${base}/ws failed`));
        ws.onclose = (ev) => finish(new Error(`the console closed the session (code ${ev.code}) at step ${step}; the screen:\n${screenText(term)}`));
        ws.onmessage = (ev) => {
            const data = Buffer.from(ev.data as ArrayBuffer);
            if (data[0] !== 0x30) {
                return; // window title and preferences
            }
            term.write(data.subarray(1), () => {
                if (/k9s exited with code/.test(screenText(term))) {
                    ws.onclose = null;
                    return finish(new Error(`k9s stopped at step ${step}; the screen:\n${screenText(term)}`));
                }
                while (step < steps.length && steps[step].when(screenText(term))) {
                    const keys = steps[step].keys;
                    step++;
                    if (keys === undefined) {
                        ws.onclose = null;
                        return finish();
                    }
                    send(`0${keys}`);
                }
            });
        };
    });
}

export function consoleSmoke(): void {
    describe("manage system (k9s in ttyd)", () => {
        let base = "";

        before(() => {
            const ip = mustK(["get", "svc", "-n", NS, "console", "-o", "jsonpath={.spec.clusterIP}"]).trim();
            assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
            base = `http://${ip}`;
        });

        it("serves the console's page from its Service", async () => {
            const r = await fetch(`${base}/`);
            assert.equal(r.status, 200);
            assert.match(r.headers.get("content-type") ?? "", /^text\/html/);
            const html = await r.text();
            assert.match(html, /<title>ttyd - Terminal<\/title>/);
            assert.match(html, /xterm/, "the terminal's script is in the page");
        });

        it("refuses the WebSocket to a page of another origin", async () => {
            const ws = new WebSocket(`${base.replace(/^http/, "ws")}/ws`, { protocols: ["tty"], headers: { Origin: "http://evil.example" } });
            const opened = await new Promise<boolean>((resolve) => {
                ws.onopen = () => resolve(true);
                ws.onerror = () => resolve(false);
            });
            ws.close();
            assert.equal(opened, false);
        });

        it("lists the example apps' pods and the namespaces through k9s with an admin's token", async () => {
            const token = mustK(["create", "token", "console-admin", "-n", NS, "--duration", "10m"]).trim();
            const pods = JSON.parse(mustK(["get", "pods", "-n", "shop", "-o", "json"])).items.map((p: any) => p.metadata.name as string);
            assert.ok(pods.length > 0, "the example apps run in shop");
            const login: Step = { what: "token prompt", when: (s) => s.includes("Kubernetes token:"), keys: `${token}\r` };
            // k9s opens on every namespace's pods; an app's pod on the screen is a list from the API.
            const podsShown: Step = { what: "a pod of shop in k9s' pod list", when: (s) => /pods\(all\)\[\d+\]/i.test(s) && pods.some((p: string) => s.includes(p)) };
            const podScreen = await session(base, [login, podsShown]);
            assert.match(podScreen, /Running/);

            const namespaces = ["shop", "data-jobs", NS, "kube-system"];
            const nsScreen = await session(base, [
                login,
                { ...podsShown, keys: ":ns\r" },
                { what: `namespaces ${namespaces.join(", ")} in k9s' namespace list`, when: (s) => /namespaces(\(all\))?\[\d+\]/i.test(s) && namespaces.every((n) => new RegExp(`(^|\\s)${n}\\s`, "m").test(s)) },
            ]);
            assert.match(nsScreen, /Active/);
        });

        it("gives the console's own ServiceAccount no rights and no token in the pod", () => {
            const can = k(["auth", "can-i", "list", "pods", "--all-namespaces", `--as=system:serviceaccount:${NS}:console`]);
            assert.equal(can.stdout.trim(), "no");
            const pod = mustK(["get", "pods", "-n", NS, "-l", "app.kubernetes.io/name=console", "-o", "jsonpath={.items[0].metadata.name}"]).trim();
            const ls = k(["exec", "-n", NS, pod, "-c", "console", "--", "ls", "/var/run/secrets/kubernetes.io/serviceaccount"]);
            assert.notEqual(ls.code, 0, "no ServiceAccount token is mounted");
        });
    });
}
