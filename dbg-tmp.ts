const dbg = require("@pulumi/pulumi/runtime/debuggable");
const origDP = dbg.debuggablePromise;
let n = 0;
const ctxCount = new Map<string, number>();
dbg.debuggablePromise = function (p: any, ctx: any) { n++; const k = String(ctx).replace(/\(.*$/, "").slice(0, 60); ctxCount.set(k, (ctxCount.get(k) ?? 0) + 1); return origDP(p, ctx); };
const out = require("@pulumi/pulumi/output");
const OI = out.Output;
(async () => {
  const req = JSON.parse(process.argv[2]);
  const origExit = process.exit;
  (process as any).exit = (code: number) => { console.log(req.mode, "debuggablePromises", n); console.log([...ctxCount].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${v} ${k}`).join("\n")); origExit(code); };
  require("./bench/eval-child.ts");
})();
