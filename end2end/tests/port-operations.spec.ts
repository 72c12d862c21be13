import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { live, personaPage } from "../support";

// Three browsers each, two of them hydrating and following the live stream: more than the
// default 30 s on a loaded machine.
test.describe.configure({ timeout: 90_000 });

/** A browser of its own signed in as a new supervisor of `port`, made by the demo's
 *  administrator. Its context starts without the viewer's cookie, so that signing in does
 *  not end the session of the viewer watching the overview beside it. */
async function supervisorOf(browser: Browser, port: string): Promise<Page> {
  const admin = await personaPage(browser, "admin");
  const created = await admin.request.post("/rpc/create_account", {
    form: {
      username: `ops.${port.toLowerCase()}.${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`,
      display_name: "Chantal Fortin",
      badge: "",
      role: "supervisor",
      ports: port,
    },
  });
  expect(created.status()).toBe(200);
  const { account, password } = await created.json();
  await admin.context().close();
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    storageState: { cookies: [], origins: [] },
  });
  const page = await context.newPage();
  const signed = await page.request.post("/rpc/sign_in", {
    form: { username: account.username, password },
  });
  expect(signed.status()).toBe(200);
  return page;
}

/** A tile's figure by its label ("Lanes open"). */
function figure(tile: Locator, label: string): Locator {
  return tile.locator("dl.tile-figures > div", { has: tile.page().locator("dt", { hasText: label }) }).locator("dd");
}

/** The lanes the operations panel shows: open and available. */
async function lanes(page: Page): Promise<[number, number]> {
  const text = (await page.locator(".operations .lanes-count").textContent()) ?? "";
  const [open, available] = text.match(/\d+/g)!.map(Number);
  return [open, available];
}

/** Closes one lane from the operations panel. The demo's simulator keeps measuring the
 *  crossing's waits, and each measurement is a new version of the port: a press made on the
 *  version before it is refused as stale (409), rightly, and the panel then shows the port as
 *  it is. Such a press is made again, as the supervisor would; any other answer fails. */
async function closeOneLane(page: Page) {
  const panel = page.locator("section.operations");
  for (let attempt = 1; ; attempt++) {
    const [open, available] = await lanes(page);
    const answer = page.waitForResponse((r) => r.url().includes("/rpc/set_port_lanes"));
    await panel.getByRole("button", { name: "Close a lane" }).click();
    const status = (await answer).status();
    if (status === 409 && attempt < 3) {
      await expect(panel.locator('[role="alert"]')).toBeVisible();
      continue;
    }
    expect(status, "the lane change is taken").toBe(200);
    await expect(panel.locator(".lanes-count")).toHaveText(`${open - 1} of ${available}`);
    return;
  }
}

test("a supervisor closes two lanes and posts a notice; another browser's tile shows both within a second", { tag: "@quiet" }, async ({
  browser,
  page,
}) => {
  // Blue Water Bridge: a port no other test runs.
  const port = "BWB";
  const supervisor = await supervisorOf(browser, port);

  // The overview, watched by the wall-screen viewer (this project's browser).
  await page.goto("/");
  await live(page);
  const tile = page.locator(`article.tile[data-port="${port}"]`);
  await expect(tile).toBeVisible();

  await supervisor.goto(`/ports/${port}`);
  await live(supervisor);
  const panel = supervisor.locator("section.operations");
  await expect(panel).toBeVisible();
  let [open, available] = await lanes(supervisor);
  if (open < 2) {
    // Someone left it with fewer: open two first.
    for (let i = open; i < 2; i++) {
      await panel.getByRole("button", { name: "Open a lane" }).click();
      await expect(panel.locator(".lanes-count")).toHaveText(`${i + 1} of ${available}`);
    }
    open = 2;
  }
  await expect(figure(tile, "Lanes open")).toHaveText(`${open} / ${available}`, { timeout: 3_000 });

  // Two lanes closed, one press at a time, each confirmed on the supervisor's screen.
  await closeOneLane(supervisor);
  await closeOneLane(supervisor);
  [open, available] = await lanes(supervisor);
  await expect(figure(tile, "Lanes open")).toHaveText(`${open} / ${available}`, { timeout: 1_000 });

  // A notice, critical: the other browser's tile shows it, its severity in words.
  const message = `Truck scanner down ${Date.now()}`;
  const post = panel.locator("form.ops-post");
  await post.locator('select[name="kind"]').selectOption("incident");
  await post.locator('select[name="severity"]').selectOption("critical");
  await post.locator('input[name="message"]').fill(message);
  await post.getByRole("button", { name: "Post the notice" }).click();
  await expect(panel.locator(".ops-notices")).toContainText(message);
  const notice = tile.locator(".notices li", { hasText: message });
  await expect(notice).toBeVisible({ timeout: 1_000 });
  await expect(notice.locator(".severity")).toHaveText("Critical");
  await expect(notice).toContainText("Incident");
});

test("the operations panel works before hydration and says why a change is refused", async ({ browser }) => {
  const port = "PAC";
  const signed = await supervisorOf(browser, port);
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    javaScriptEnabled: false,
    storageState: await signed.context().storageState(),
  });
  const page = await context.newPage();
  await page.goto(`/ports/${port}`);
  const panel = page.locator("section.operations");
  const [open, available] = await lanes(page);
  const step = open > 0 ? "Close a lane" : "Open a lane";
  const next = open > 0 ? open - 1 : open + 1;
  await panel.getByRole("button", { name: step }).click();
  await expect(panel.locator(".lanes-count")).toHaveText(`${next} of ${available}`);

  // Closed without a reason: refused, in words, and nothing changed.
  await panel.locator('form.ops-status select[name="status"]').selectOption("closed");
  await panel.locator('form.ops-status input[name="reason"]').fill("");
  await panel.getByRole("button", { name: "Set status" }).click();
  await expect(page.locator("section.operations .notice.error")).toContainText("reason");
  await expect(page.locator(".page-head .badge")).not.toHaveText("Closed");
  await expect(panel.locator(".lanes-count")).toHaveText(`${next} of ${available}`);
  await context.close();
});

test("a viewer does not see the operations panel", async ({ page }) => {
  await page.goto("/ports/BWB");
  await expect(page.locator(".totals")).toBeVisible();
  await expect(page.locator("section.operations")).toHaveCount(0);
});
