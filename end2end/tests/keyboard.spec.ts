import { expect, test, type Locator, type Page } from "@playwright/test";
import { hasClass, hydrated, live, ownHold, personaPage } from "../support";

// The officer's day by keyboard alone: page.keyboard only, never the mouse, and at every step
// the element with the focus shows it.
test.use({ storageState: { cookies: [], origins: [] } });
// A Tab at a time, checked each time: 15 s alone, 45 s beside other browsers on two cores.
test.describe.configure({ mode: "serial", timeout: 180_000 });

/** What has the focus and whether it shows it (an outline or a ring drawn with box-shadow);
 *  null when nothing in the page has it. */
async function focusOn(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    return {
      what: `${el.tagName.toLowerCase()} "${(el.textContent ?? "").trim().slice(0, 40)}"`,
      shows: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none",
    };
  });
}

/** Fails unless something other than the page has the focus and shows it. */
async function focusShows(page: Page) {
  const focus = await focusOn(page);
  expect(focus, "an element has the focus").not.toBeNull();
  expect(focus!.shows, `the focus shows on ${focus!.what}`).toBe(true);
}

async function focused(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement).catch(() => false);
}

/** Presses Tab until `target` has the focus, checking that each stop shows it. */
async function tabTo(page: Page, target: Locator, most = 150) {
  await expect(target).toBeVisible();
  for (let n = 0; n < most; n++) {
    await page.keyboard.press("Tab");
    // Past the last control the focus leaves the page for the browser's own (nothing in the
    // page has it); the next Tab comes back to the top.
    const focus = await focusOn(page);
    if (focus === null) continue;
    expect(focus.shows, `the focus shows on ${focus.what}`).toBe(true);
    if (await focused(target)) return;
  }
  throw new Error(`Tab never reached ${target}`);
}

test("an officer signs in, claims, starts, completes, releases and signs out by keyboard alone", async ({
  page,
  browser,
}) => {
  // Work for the queue, opened through the API by another browser of the same officer.
  const helper = await personaPage(browser, "duty.yvr");
  const { shipment, hold } = await ownHold(helper.request);
  const opened = await helper.request.post("/api/v1/inspections", {
    data: { hold_id: hold, kind: "detector_dog", priority: "urgent" },
  });
  expect(opened.status()).toBe(201);
  const id = (await opened.json()).id;
  await helper.context().close();

  // Sign in: the demo persona's button, reached with Tab and pressed with Enter.
  await page.goto("/signin");
  await hydrated(page);
  await tabTo(page, page.getByRole("button", { name: /duty officer/ }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/$/);
  await hydrated(page);

  // The queue, from the header's navigation.
  await tabTo(page, page.getByRole("navigation", { name: "Board" }).getByRole("link", { name: "Inspections" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/inspections$/);
  await live(page);
  // The urgent work at YVR, through the queue's filter form.
  const filters = page.getByRole("form", { name: "Filter the queue" });
  await tabTo(page, filters.getByLabel("Port"));
  await page.keyboard.type("YVR");
  await tabTo(page, filters.getByLabel("Priority"));
  await page.keyboard.type("Urgent");
  await expect(filters.getByLabel("Priority")).toHaveValue("urgent");
  await tabTo(page, filters.getByRole("button", { name: "Apply" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/port=YVR.*priority=urgent/);
  const row = page.locator(`tr[data-inspection="${id}"]`);
  await expect(row).toBeVisible();
  const count = await page.locator("table.inspections tbody tr").count();
  for (let n = 0; n <= count + 20 && !(await hasClass(row, "selected")); n++) {
    await page.keyboard.press("j");
  }
  await expect(row).toHaveClass(/selected/);
  await expect(row).toBeFocused();
  await focusShows(page);

  // Claim the chosen row (its key, c), then open its shipment (o).
  await page.keyboard.press("c");
  await expect(row).toContainText("Assigned");
  await expect(row.getByRole("button", { name: "Claim" })).toHaveCount(0);
  for (let n = 0; n <= count + 20 && !(await hasClass(row, "selected")); n++) {
    await page.keyboard.press("j");
  }
  await expect(row).toHaveClass(/selected/);
  await page.keyboard.press("o");
  await expect(page).toHaveURL(new RegExp(`/shipments/${shipment}$`));
  await hydrated(page);

  // Start, then complete with an outcome chosen from the keyboard.
  const item = page.locator(`.work-item[data-inspection="${id}"]`);
  await tabTo(page, item.getByRole("button", { name: "Start" }));
  await page.keyboard.press("Enter");
  const outcome = item.getByLabel("Outcome");
  await expect(outcome).toBeVisible();
  await tabTo(page, outcome);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  await expect(outcome).toHaveValue("no_finding");
  await tabTo(page, item.getByLabel("Notes"));
  await page.keyboard.type("Dog showed no interest; nothing found.");
  await tabTo(page, item.getByRole("button", { name: "Complete" }));
  await page.keyboard.press("Enter");
  await expect(item).toHaveCount(0);

  // Release the hold, with its reason.
  const holdWork = page.locator(`.work-item[data-hold="${hold}"]`);
  await tabTo(page, holdWork.getByLabel("Reason or note"));
  await page.keyboard.type("Examined, nothing found: released to the importer.");
  await tabTo(page, holdWork.getByRole("button", { name: "Release" }));
  await page.keyboard.press("Enter");
  await expect(holdWork).toHaveCount(0);
  const released = await (await page.request.get(`/api/v1/shipments/${shipment}`)).json();
  expect(released.holds.find((h: any) => h.id === hold).status).toBe("released");

  // Sign out.
  await tabTo(page, page.getByRole("button", { name: "Sign out" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/signin$/);
});

test("a supervisor assigns an item to an officer from the assign list by keyboard", async ({ browser }) => {
  const supervisor = await personaPage(browser, "supervisor.yyz");
  const holds = (await (await supervisor.request.get("/api/v1/holds?port=YYZ&per_page=1")).json()).items;
  const opened = await supervisor.request.post("/api/v1/inspections", {
    data: { hold_id: holds[0].id, kind: "radiation", priority: "urgent" },
  });
  expect(opened.status()).toBe(201);
  const id = (await opened.json()).id;
  await supervisor.goto("/inspections?port=YYZ&status=open");
  await live(supervisor);
  const row = supervisor.locator(`tr[data-inspection="${id}"]`);
  const select = row.locator("select.assign");
  await tabTo(supervisor, select, 400);
  // Arrow keys choose without opening the list; the first officer after "Assign to…".
  await supervisor.keyboard.press("ArrowDown");
  await expect(row).toContainText("Assigned");
  const stored = (
    await (await supervisor.request.get(`/api/v1/inspections?port=YYZ&status=assigned&per_page=100`)).json()
  ).items.find((i: any) => i.id === id);
  expect(stored.assigned_officer).toBeTruthy();
  await supervisor.context().close();
});

test("a row redrawn by a live refresh keeps the keyboard focus", async ({ browser }) => {
  const supervisor = await personaPage(browser, "supervisor.yyz");
  const holds = (await (await supervisor.request.get("/api/v1/holds?port=YYZ&per_page=2")).json()).items;
  const first = await supervisor.request.post("/api/v1/inspections", {
    data: { hold_id: holds[0].id, kind: "document_review", priority: "urgent" },
  });
  expect(first.status()).toBe(201);
  const id = (await first.json()).id;
  await supervisor.goto("/inspections?port=YYZ&status=open");
  await live(supervisor);
  const row = supervisor.locator(`tr[data-inspection="${id}"]`);
  const select = row.locator("select.assign");
  await tabTo(supervisor, select, 400);
  await expect(select).toBeFocused();
  // Mark the node: a redraw replaces it, so the mark tells whether the list was redrawn.
  await select.evaluate((el) => ((el as any).__before = true));

  // Another session changes the same list: a new inspection at YYZ.
  const other = await personaPage(browser, "supervisor.yyz");
  const second = await other.request.post("/api/v1/inspections", {
    data: { hold_id: holds[1].id, kind: "detector_dog", priority: "urgent" },
  });
  expect(second.status()).toBe(201);
  const added = (await second.json()).id;
  await expect(supervisor.locator(`tr[data-inspection="${added}"]`)).toBeVisible({ timeout: 10_000 });
  // The row was drawn again, and its assign list has the focus again.
  await expect.poll(() => select.evaluate((el) => (el as any).__before === true)).toBe(false);
  await expect(select).toBeFocused();
  await focusShows(supervisor);
  await other.context().close();
  await supervisor.context().close();
});
