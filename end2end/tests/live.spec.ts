import { expect, test, type Browser, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hydrated, live, personaPage, startServer, stop } from "../support";

const root = path.resolve(__dirname, "..", "..");
const binary = path.resolve(root, process.env.BORDER_OPS_BIN ?? "target/debug/border-ops");

test("a supervisor's reassignment reaches another browser's queue within a second, without reload", { tag: "@quiet" }, async ({
  browser,
  page,
}) => {
  const supervisor = await personaPage(browser, "supervisor.yyz");
  const holds = (await (await supervisor.request.get("/api/v1/holds?port=YYZ&per_page=1")).json()).items;
  const opened = await supervisor.request.post("/api/v1/inspections", {
    data: { hold_id: holds[0].id, kind: "document_review", priority: "urgent" },
  });
  expect(opened.status()).toBe(201);
  const id = (await opened.json()).id;

  // The wall screen (the viewer of this project) watches the same queue.
  await page.goto("/inspections?port=YYZ&status=open");
  await live(page);
  const watched = page.locator(`tr[data-inspection="${id}"]`);
  await expect(watched).toContainText("Queued");
  await page.evaluate(() => ((window as any).__sameDocument = true));

  await supervisor.goto("/inspections?port=YYZ&status=open");
  await live(supervisor);
  const select = supervisor.locator(`tr[data-inspection="${id}"] select.assign`);
  const choice = await select.locator("option").nth(1).getAttribute("value");
  await select.selectOption(choice ?? "");
  await expect(supervisor.locator(`tr[data-inspection="${id}"]`)).toContainText("Assigned");

  // Within a second of the supervisor's screen confirming it, without a reload, highlighted.
  await expect(watched).toContainText("Assigned", { timeout: 1_000 });
  await expect(watched).toHaveClass(/changed/);
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});

test("a stream the server refuses is opened again, slowly, and its changes still arrive", async ({
  browser,
  page,
}) => {
  // The first three streams are refused (a restart answering 502): the browser gives up on
  // each, and the page opens the next after a pause.
  let streams = 0;
  await page.route("**/api/v1/live**", async (route) => {
    streams += 1;
    if (streams <= 3) await route.fulfill({ status: 502, body: "" });
    else await route.continue();
  });
  const supervisor = await personaPage(browser, "supervisor.yyz");
  const holds = (await (await supervisor.request.get("/api/v1/holds?port=YYZ&per_page=1")).json()).items;
  const opened = await supervisor.request.post("/api/v1/inspections", {
    data: { hold_id: holds[0].id, kind: "document_review", priority: "urgent" },
  });
  expect(opened.status()).toBe(201);
  const id = (await opened.json()).id;

  await page.goto("/inspections?port=YYZ&status=open");
  // The page follows the stream once it has hydrated.
  await hydrated(page);
  const indicator = page.locator(".live-indicator");
  await expect(indicator).toHaveAttribute("data-connection", /reconnecting|offline/);
  await expect(indicator).toHaveAttribute("data-connection", "live", { timeout: 20_000 });
  expect(streams).toBe(4);
  const watched = page.locator(`tr[data-inspection="${id}"]`);
  await expect(watched).toContainText("Queued");

  await supervisor.goto("/inspections?port=YYZ&status=open");
  await live(supervisor);
  const select = supervisor.locator(`tr[data-inspection="${id}"] select.assign`);
  const choice = await select.locator("option").nth(1).getAttribute("value");
  await select.selectOption(choice ?? "");
  // The other browser first: its row is highlighted for a few seconds from when it shows the change.
  await expect(watched).toContainText("Assigned", { timeout: 3_000 });
  await expect(watched).toHaveClass(/changed/);
  await expect(supervisor.locator(`tr[data-inspection="${id}"]`)).toContainText("Assigned");
});

test("a board that loses its server says so, marks its figures stale, and catches up on return", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const base = Number(process.env.E2E_PORT ?? 3210) + 40 + test.info().parallelIndex * 2;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "border-ops-live-"));
  const database = path.join(folder, "board.db");
  let board = await startServer(base, database, ["serve", "--demo"]);
  // A second server on the same database takes the change while the first is away.
  const other = await startServer(base + 1, database, ["serve"]);
  try {
    const token = execFileSync(binary, ["token", "issue", "--username", "duty.yvr"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: `sqlite://${database}`, RUST_LOG: "warn" },
    })
      .toString()
      .trim();
    const holds = await (
      await fetch(`http://127.0.0.1:${base + 1}/api/v1/holds?port=YVR&per_page=1`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json();
    const shipment = holds.items[0].shipment_id;

    const page = await personaPage(browser, "viewer", `http://127.0.0.1:${base}`);
    await page.goto(`/shipments/${shipment}`);
    await live(page);
    await expect(page.locator("main")).not.toHaveClass(/stale/);

    await stop(board);
    await expect(page.locator(".live-indicator")).toHaveAttribute(
      "data-connection",
      /reconnecting|offline/,
      { timeout: 5_000 },
    );
    await expect(page.locator("main")).toHaveClass(/stale/);
    await expect(page.locator(".stale-notice")).toContainText("Not live since");

    const text = `Seen while the board was away ${Date.now()}`;
    const noted = await fetch(`http://127.0.0.1:${base + 1}/api/v1/shipments/${shipment}/notes`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    expect(noted.status).toBe(201);
    await expect(page.getByText(text)).toHaveCount(0);

    board = await startServer(base, database, ["serve", "--demo"]);
    await expect(page.locator(".live-indicator")).toHaveAttribute("data-connection", "live", {
      timeout: 20_000,
    });
    await expect(page.getByText(text)).toBeVisible();
    await expect(page.locator("main")).not.toHaveClass(/stale/);
  } finally {
    board.kill("SIGKILL");
    other.kill("SIGKILL");
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test("an administrator pauses and resumes the simulation, and every board sees it", async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const port = Number(process.env.E2E_PORT ?? 3210) + 70 + test.info().parallelIndex;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "border-ops-sim-"));
  const server = await startServer(port, path.join(folder, "board.db"), ["serve", "--demo"]);
  try {
    const base = `http://127.0.0.1:${port}`;
    const admin = await personaPage(browser, "admin", base);
    const wall = await personaPage(browser, "viewer", base);
    await admin.goto("/");
    await live(admin);
    await wall.goto("/");
    await live(wall);
    const badge = admin.locator(".sim-badge");
    await expect(badge).toHaveAttribute("data-state", "running");
    // The wall screen sees the state, not the button.
    await expect(wall.locator(".sim-badge")).toHaveAttribute("data-state", "running");
    await expect(wall.locator(".sim-toggle")).toHaveCount(0);

    await admin.getByRole("button", { name: "Pause" }).click();
    await expect(badge).toHaveAttribute("data-state", "paused");
    await expect(wall.locator(".sim-badge")).toHaveAttribute("data-state", "paused");
    await admin.getByRole("button", { name: "Resume" }).click();
    await expect(badge).toHaveAttribute("data-state", "running");
    await expect(wall.locator(".sim-badge")).toHaveAttribute("data-state", "running");
  } finally {
    server.kill("SIGKILL");
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test("a page whose session is signed out from another page goes to sign in within 5 s", async ({
  browser,
}) => {
  // A browser of its own (the shared viewer must stay signed in for the other tests).
  const first = await personaPage(browser, "supervisor.yyz");
  await first.goto("/inspections?port=YYZ&status=open");
  await live(first);

  // Another tab of the same browser signs out.
  const second = await first.context().newPage();
  await second.goto("/");
  await hydrated(second);
  await second.getByRole("button", { name: "Sign out" }).click();
  // The session has ended once the server has answered the sign-out: the clock starts there,
  // not at the click, whose page may take its time to hydrate and navigate on a busy machine.
  await expect(second).toHaveURL(/\/signin/);
  const signedOut = Date.now();

  // The first page is told by its stream, and goes to sign in, to come back where it was.
  await expect(first).toHaveURL(/\/signin\?next=%2Finspections%3Fport%3DYYZ%26status%3Dopen$/, {
    timeout: 5_000,
  });
  expect(Date.now() - signedOut).toBeLessThan(5_000);
  await expect(first.getByRole("heading", { name: "Sign in", exact: true })).toBeVisible();
});
