import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { cluster, liveShipmentPage, personaPage, startServer, stop } from "../support";

/** Whether this machine lets a test run a PostgreSQL cluster of its own (Debian's tools, as
 *  root). Under CI=true it must. */
function clustersAllowed(): boolean {
  try {
    execFileSync("pg_lsclusters", ["--no-header"]);
  } catch {
    return false;
  }
  return process.getuid?.() === 0;
}

test("a board whose PostgreSQL stops says the database is unavailable, refuses actions keeping the form, and catches up when it returns", async ({
  browser,
}) => {
  test.setTimeout(300_000);
  if (!clustersAllowed()) {
    expect(process.env.CI, "CI runs as root with Debian's PostgreSQL").not.toBe("true");
    test.skip(true, "needs Debian's PostgreSQL cluster tools, as root");
  }
  const name = `boc_outage_${test.info().parallelIndex}`;
  const port = 5490 + test.info().parallelIndex;
  const url = cluster("start", name, String(port));
  const site = Number(process.env.E2E_PORT ?? 3210) + 80 + test.info().parallelIndex;
  let board = await startServer(site, url, ["serve", "--demo", "--no-sim"]);
  let exited: number | null = null;
  board.once("exit", (code) => (exited = code));
  try {
    const page = await personaPage(browser, "duty.yvr", `http://127.0.0.1:${site}`);
    const { shipment, timeline } = await liveShipmentPage(page, "YVR");
    const before = await timeline.textContent();

    cluster("stop", name);
    const indicator = page.locator(".live-indicator");
    await expect(indicator).toHaveAttribute("data-connection", "database-unavailable", {
      timeout: 30_000,
    });
    await expect(indicator).toContainText("Database unavailable since");
    await expect(page.locator(".stale-notice")).toContainText("The database cannot be reached");
    await expect(page.locator("main")).toHaveClass(/stale/);
    // The page keeps what it showed.
    expect(await timeline.textContent()).toBe(before);

    // An action is refused with a sentence, and the form keeps what was typed.
    const text = `Written while the database was away ${Date.now()}`;
    const notes = page.getByRole("textbox", { name: "Add a note" });
    await notes.fill(text);
    await page.locator("form.note-form").getByRole("button", { name: "Add note" }).click();
    await expect(page.locator("form.note-form ~ .notice.error")).toContainText(
      "the database cannot be reached",
      { timeout: 20_000 },
    );
    await expect(notes).toHaveValue(text);
    // The API says the same, with 503; the process is alive and says it is not ready.
    const refused = await page.request.post(`/api/v1/shipments/${shipment}/notes`, {
      data: { text },
    });
    expect(refused.status()).toBe(503);
    expect((await refused.json()).error.message).toContain("the database cannot be reached");
    expect((await page.request.get("/readyz")).status()).toBe(503);
    expect(exited).toBeNull();

    cluster("resume", name);
    await expect(indicator).toHaveAttribute("data-connection", "live", { timeout: 30_000 });
    await expect(page.locator(".stale-notice")).toHaveCount(0);
    // Back, the page waits for the form being filled in before fetching everything again.
    await expect(notes).toHaveValue(text);
    await expect(indicator).toContainText("changes wait while you fill in the form");
    // The same form, sent again, is written once.
    await page.locator("form.note-form").getByRole("button", { name: "Add note" }).click();
    await expect(timeline).toContainText(text, { timeout: 10_000 });
    // And the stream follows again: a change made through the API reaches the page.
    const later = `After the database came back ${Date.now()}`;
    const noted = await page.request.post(`/api/v1/shipments/${shipment}/notes`, {
      data: { text: later },
    });
    expect(noted.status()).toBe(201);
    await expect(timeline).toContainText(later, { timeout: 5_000 });
    const detail = await (await page.request.get(`/api/v1/shipments/${shipment}`)).json();
    const written = JSON.stringify(detail).split(text).length - 1;
    expect(written, "the refused note is not written, the one sent after is, once").toBe(1);
    expect((await page.request.get("/readyz")).status()).toBe(200);
    expect(exited).toBeNull();
  } finally {
    if (exited === null) await stop(board);
    cluster("drop", name);
  }
});
