const pulumi = require("@pulumi/pulumi");
const R = pulumi.Resource;
const orig = R.callsites;
const depths: number[] = [];
let sample = "";
R.callsites = function () { const c = orig.call(R); depths.push(c.length); if (c.length > 30 && !sample) { Error.stackTraceLimit = Infinity; sample = new Error().stack!; } return c; };
process.env.BENCH_DEPTH = "1";
(async () => {
  const req = JSON.parse(process.argv[2]);
  const origExit = process.exit;
  (process as any).exit = (code: number) => { const avg = depths.reduce((a, b) => a + b, 0) / depths.length; console.log(req.mode, "resources", depths.length, "avg frames", avg.toFixed(1), "max", Math.max(...depths)); console.log(sample.split("\n").slice(0, 45).join("\n")); origExit(code); };
  process.argv[2] = JSON.stringify(req);
  require("./bench/eval-child.ts");
})();
