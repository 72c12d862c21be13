// The wall screen's soak: opens /wall in Chromium on a running server and, every minute for the
// given number of minutes, forces a garbage collection and samples the JavaScript heap and the
// number of DOM nodes. Prints key=value lines; exits 1 when either ends more than 20% above its
// start, or the wall is not live at the end. Run by scripts/wall-soak.sh, which starts the server.
import { chromium } from "@playwright/test";

const base = process.env.WALL_SOAK_URL ?? "http://127.0.0.1:3390";
const minutes = Number(process.argv[2] ?? 60);
const cycle = process.env.WALL_SOAK_CYCLE ?? "20";
const allowed = 1.2;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--enable-precise-memory-info"],
});
let failed = false;
try {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  const signed = await page.request.post("/rpc/demo_sign_in", { form: { username: "viewer" } });
  if (signed.status() !== 200) throw new Error(`signing in as the demo viewer answered ${signed.status()}`);
  await page.goto(`/wall?cycle=${cycle}`);
  await page.waitForFunction(() => window.__bocHydrated === true, null, { timeout: 60_000 });
  await page.waitForSelector('.wall[data-connection="live"]', { timeout: 30_000 });
  const cdp = await context.newCDPSession(page);
  const sample = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    return page.evaluate(() => ({
      heap: performance.memory.usedJSHeapSize,
      nodes: document.getElementsByTagName("*").length,
      connection: document.querySelector(".wall")?.getAttribute("data-connection") ?? "none",
      updated: document.querySelector(".wall-updated")?.textContent ?? "",
    }));
  };
  const samples = [];
  for (let minute = 0; minute <= minutes; minute++) {
    if (minute > 0) await page.waitForTimeout(60_000);
    const s = await sample();
    samples.push(s);
    console.log(
      `sample minute=${minute} heap=${s.heap} nodes=${s.nodes} connection=${s.connection} updated="${s.updated}"`,
    );
  }
  const first = samples[0];
  const last = samples[samples.length - 1];
  const max = (key) => Math.max(...samples.map((s) => s[key]));
  const growth = (key) => ((last[key] / first[key] - 1) * 100).toFixed(1);
  console.log(`minutes=${minutes}`);
  console.log(`start_heap=${first.heap}`);
  console.log(`end_heap=${last.heap}`);
  console.log(`max_heap=${max("heap")}`);
  console.log(`heap_growth_percent=${growth("heap")}`);
  console.log(`start_nodes=${first.nodes}`);
  console.log(`end_nodes=${last.nodes}`);
  console.log(`max_nodes=${max("nodes")}`);
  console.log(`nodes_growth_percent=${growth("nodes")}`);
  console.log(`end_connection=${last.connection}`);
  failed =
    last.heap > first.heap * allowed || last.nodes > first.nodes * allowed || last.connection !== "live";
  console.log(`result=${failed ? "fail" : "pass"}`);
} catch (error) {
  console.error(`error=${String(error).split("\n")[0]}`);
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
