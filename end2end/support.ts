// Shared by the configuration and the tests.
import { expect, test, type APIRequestContext, type Browser, type Locator, type Page } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";

/** Storage state of the demo wall-screen viewer, written by the setup project. */
export const viewerState = path.join(__dirname, ".auth", "viewer.json");

/** Resolves once the WASM bundle has hydrated the page (client-side navigation works). */
export async function hydrated(page: Page) {
  try {
    await page.waitForFunction(() => (window as any).__bocHydrated === true, null, {
      timeout: 45_000,
    });
  } catch (error) {
    // Say why: a panic during hydration shows up here, not as a timeout.
    const errors = (await page.pageErrors()).map((e) => `page error: ${e.message}`);
    const console = (await page.consoleMessages())
      .filter((m) => m.type() === "error" || m.type() === "warning")
      .map((m) => `console ${m.type()}: ${m.text()}`);
    throw new Error(`the page did not hydrate\n${[...errors, ...console].join("\n")}\n${error}`);
  }
}

/** Resolves once the page has hydrated and its live stream is connected. */
export async function live(page: Page) {
  await hydrated(page);
  await expect(page.locator(".live-indicator")).toHaveAttribute("data-connection", "live", {
    timeout: 10_000,
  });
}

/** Whether the element has `name` among its classes now (no waiting). */
export async function hasClass(locator: Locator, name: string): Promise<boolean> {
  return ((await locator.getAttribute("class")) ?? "").split(/\s+/).includes(name);
}

/** A browser of its own, signed in as a demo persona (on the test server, or on `baseURL`). */
export async function personaPage(browser: Browser, username: string, baseURL?: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseURL ?? test.info().project.use.baseURL,
    storageState: { cookies: [], origins: [] },
  });
  const page = await context.newPage();
  const signed = await page.request.post("/rpc/demo_sign_in", { form: { username } });
  expect(signed.status()).toBe(200);
  return page;
}

/** An active YVR hold with no open inspection: its shipment's id and the hold's. Chosen at
 *  random among those there are, so that tests running side by side rarely take the same one. */
export async function quietHold(
  request: APIRequestContext,
  port = "YVR",
): Promise<{ shipment: number; hold: number }> {
  const holds = (await (await request.get(`/api/v1/holds?port=${port}&per_page=100`)).json()).items;
  const quiet: { shipment: number; hold: number }[] = [];
  for (const h of holds) {
    const detail = await (await request.get(`/api/v1/shipments/${h.shipment_id}`)).json();
    const open = detail.inspections.filter(
      (i: any) => i.hold_id === h.id && ["queued", "assigned", "in_progress"].includes(i.status),
    );
    if (open.length === 0 && h.status !== "seizure_requested") quiet.push({ shipment: h.shipment_id, hold: h.id });
  }
  if (quiet.length === 0) throw new Error(`no active hold at ${port} without open inspections`);
  return quiet[Math.floor(Math.random() * quiet.length)];
}

/** A browser signed in as an account of the test's own, made by the demo's administrator:
 *  its language and its port's work are nobody else's. */
export async function ownAccount(browser: Browser, role: string, ports: string, name = "Amélie Gagnon") {
  const admin = await personaPage(browser, "admin");
  const created = await admin.request.post("/rpc/create_account", {
    form: {
      username: `own.${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`,
      display_name: name,
      badge: "",
      role,
      ports,
    },
  });
  expect(created.status()).toBe(200);
  const { account, password } = await created.json();
  await admin.context().close();
  // A context of its own, without the viewer's cookie the tests' contexts start with: signing
  // in over that cookie would end the viewer's session that other tests are using.
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    storageState: { cookies: [], origins: [] },
  });
  const page = await context.newPage();
  const signed = await page.request.post("/rpc/sign_in", {
    form: { username: account.username, password },
  });
  expect(signed.status()).toBe(200);
  return { page, account };
}

const root = path.resolve(__dirname, "..");
const binary = path.resolve(root, process.env.BORDER_OPS_BIN ?? "target/debug/border-ops");

/** A server of its own (`border-ops` with `args`), on `port`, over the SQLite file
 *  `database`; resolves when it answers. */
export async function startServer(port: number, database: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(binary, args, {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${database}`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      RUST_LOG: "warn",
    },
    stdio: "ignore",
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.ok) return child;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`the server on ${port} did not start`);
}

/** Stops a server started by `startServer` as an operator would (SIGTERM), once it has exited. */
export async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
