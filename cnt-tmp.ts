const out = require("@pulumi/pulumi/output");
const proto = Object.getPrototypeOf(out.output(1));
const origApply = proto.apply;
const sites = new Map<string, number>();
let applies = 0;
proto.apply = function (fn: any) { applies++; const st = new Error().stack!.split("\n")[2]?.trim() ?? "?"; const k = st.replace(/^at /, "").replace(/\(.*\/work\/main\//, "(").slice(0, 110); sites.set(k, (sites.get(k) ?? 0) + 1); return origApply.apply(this, arguments as any); };
(async () => {
  const req = JSON.parse(process.argv[2]);
  const origExit = process.exit;
  (process as any).exit = (code: number) => { console.log(req.mode, "applies", applies); console.log([...sites].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v} ${k}`).join("\n")); origExit(code); };
  require("./bench/eval-child.ts");
})();
