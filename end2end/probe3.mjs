import { chromium } from "@playwright/test";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const [who, path, times] = [process.argv[2], process.argv[3], Number(process.argv[4] ?? 3)];
for (let n = 0; n < times; n++) {
  const context = await browser.newContext({ baseURL: "http://127.0.0.1:3392" });
  const page = await context.newPage();
  const found = [];
  page.on("console", async (m) => {
    if (m.type() === "error" && m.text().includes("hydration error")) {
      found.push(m.text().slice(0, 160));
      for (const a of m.args().slice(1)) {
        try { found.push(await a.evaluate((x) => (x && x.nodeType ? `${x.nodeName} ${(x.outerHTML ?? x.textContent ?? "").slice(0, 200)} | prev ${x.previousSibling?.nodeName}` : String(x).slice(0, 100)))); } catch (e) { found.push("?" + e); }
      }
    }
  });
  await page.request.post("/rpc/demo_sign_in", { form: { username: who } });
  await page.goto(path);
  try { await page.waitForFunction(() => window.__bocHydrated === true, null, { timeout: 30000 }); } catch {}
  await page.waitForTimeout(1500);
  console.log(who, path, n, "hydrated", await page.evaluate(() => window.__bocHydrated), found.join("\n   "));
  await context.close();
}
await browser.close();
