// Shared by the configuration and the tests.
import { expect, request as playwrightRequest, test, type APIRequestContext, type Browser, type Locator, type Page } from "@playwright/test";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";

/** Storage state of the demo wall-screen viewer, written by the setup project. */
export const viewerState = path.join(__dirname, ".auth", "viewer.json");

/** No cookies: what a context that signs in starts from. The tests' contexts start with the
 *  viewer's cookie, and signing in over it would end the session the other tests share. */
export const signedOut = { cookies: [], origins: [] };

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
    storageState: signedOut,
  });
  const page = await context.newPage();
  const signed = await page.request.post("/rpc/demo_sign_in", { form: { username } });
  expect(signed.status()).toBe(200);
  return page;
}

/** An API client of its own, signed in as a demo persona. */
export async function personaRequest(username: string): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({
    baseURL: test.info().project.use.baseURL,
    storageState: signedOut,
  });
  const signed = await context.post("/rpc/demo_sign_in", { form: { username } });
  expect(signed.status()).toBe(200);
  return context;
}

/** A hold of the test's own at `port`, with no inspection: a shipment declared for it by the
 *  demo's administrator (a new importer's, which no rule holds), held for its documents by
 *  `request`'s account. Tests never share it, however many holds other tests have released. */
export async function ownHold(
  request: APIRequestContext,
  port = "YVR",
): Promise<{ shipment: number; hold: number }> {
  const admin = await personaRequest("admin");
  try {
    const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.toUpperCase();
    const declared = await admin.post("/api/v1/shipments", {
      data: {
        mode: "air",
        reference_kind: "cargo_control",
        reference: `E2E${stamp}`,
        carrier: "AC",
        voyage: "AC 100",
        origin_country: "FR",
        origin_location: "CDG",
        port_code: port,
        shipper_name: "Lyon Pharma SA",
        shipper_address: "Gerland, Lyon, FR",
        consignee_name: `Test Importer ${stamp}`,
        consignee_address: "1 Test St, Halifax, NS",
        importer_name: `Test Importer ${stamp}`,
        hs_code: "8471.30",
        description: "Laptop computers",
        pieces: 3,
        weight_kg: 40,
        declared_value: 20000,
        eta: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    const item = await declared.json();
    expect(declared.status(), JSON.stringify(item)).toBe(201);
    expect(item.hold_id ?? null, "no rule holds a new importer's laptops").toBeNull();
    const placed = await request.post("/api/v1/holds", {
      data: { shipment_id: item.shipment_id, reason: "documentation", notes: "Invoice to be checked" },
    });
    const hold = await placed.json();
    expect(placed.status(), JSON.stringify(hold)).toBe(201);
    return { shipment: item.shipment_id, hold: hold.id };
  } finally {
    await admin.dispose();
  }
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
    storageState: signedOut,
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
 *  `database` (or the PostgreSQL database it names, as a `postgres://` URL); resolves when it
 *  answers. If it exits or does not answer in time, the error says what it last printed. */
export async function startServer(
  port: number,
  database: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  const child = spawn(binary, args, {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      DATABASE_URL: database.startsWith("postgres://") ? database : `sqlite://${database}`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      RUST_LOG: "warn",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  // The last of what it printed, read as it comes so that the pipe never fills.
  let printed = "";
  child.stderr?.on("data", (chunk) => {
    printed = (printed + chunk.toString()).slice(-4_000);
  });
  let exited: string | null = null;
  child.once("exit", (code, signal) => {
    exited = `exited (${signal ?? `code ${code}`})`;
  });
  // A first start on PostgreSQL migrates and seeds the demo country: 5 s on a quiet machine.
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline && exited === null) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.ok) return child;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  throw new Error(
    `the server on ${port} ${exited ?? "did not answer in 150 s"}; it printed:\n${printed}`,
  );
}

/** Stops a server started by `startServer` as an operator would (SIGTERM), once it has exited. */
export async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** Opens, as `page`'s persona, the page of the first shipment on hold at `port`, once it is
 *  interactive and following the live stream; returns the shipment's id and its timeline. */
export async function liveShipmentPage(page: Page, port: string) {
  const holds = await (await page.request.get(`/api/v1/holds?port=${port}&per_page=1`)).json();
  const shipment: number = holds.items[0].shipment_id;
  await page.goto(`/shipments/${shipment}`);
  await hydrated(page);
  await live(page);
  return { shipment, timeline: page.getByRole("list", { name: "Timeline" }) };
}

/** A PostgreSQL cluster of a test's own (scripts/pg-cluster.sh: start NAME PORT, stop, resume,
 *  drop); returns what the script printed (for `start`, the database's URL). */
export function cluster(...args: string[]): string {
  return execFileSync(path.join(root, "scripts", "pg-cluster.sh"), args, { cwd: root }).toString().trim();
}

/** A CSV file's rows as RFC 4180 reads them, after its byte order mark: header first. */
export function parseCsv(text: string): string[][] {
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"' && cell === "") {
      quoted = true;
    } else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else {
      cell += c;
    }
  }
  return rows;
}

/** Declares, with `request`, handbags of the demo's registered mark BEAULIEU from Shanghai to
 *  YYZ for `importer` (a route the demo's rule on the register lists): a red lane, and a hold
 *  for intellectual property. The declaration's answer (`shipment_id`, `lane`, …). */
export async function declareMarkedHandbags(request: APIRequestContext, importer: string) {
  const serial = 1_000_000 + Math.floor(Math.random() * 8_999_999);
  const sent = await request.post("/api/v1/shipments", {
    data: {
      mode: "air",
      reference: `999-${serial}${serial % 7}`,
      carrier: "AC",
      voyage: "AC 26",
      origin_country: "CN",
      origin_location: "PVG",
      port_code: "YYZ",
      shipper_name: "Shanghai Leather Goods Co.",
      shipper_address: "Pudong, Shanghai, CN",
      consignee_name: importer,
      consignee_address: "1 Test St, Toronto, ON",
      importer_name: importer,
      hs_code: "4202.21",
      description: "Handbags, leather outer surface, BEAULIEU brand",
      pieces: 12,
      weight_kg: 60,
      declared_value: 48000,
      eta: new Date(Date.now() + 86_400_000).toISOString(),
    },
  });
  expect(sent.status(), await sent.text()).toBe(201);
  return sent.json();
}

