import { expect, test, type Browser, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { hasClass, hydrated, live, ownHold, personaPage } from "../support";

test.use({ storageState: { cookies: [], origins: [] } });
// Both tests change the same port's holds and queue: one after the other.
test.describe.configure({ mode: "serial" });

test("an officer finds contraband and a supervisor approves the seizure, in two browsers", async ({
  browser,
}) => {
  // An administrator adds a supervisor at YVR, who signs in with the password handed over.
  const admin = await personaPage(browser, "admin");
  const created = await admin.request.post("/rpc/create_account", {
    form: { username: `sup.${Date.now().toString(36)}`, display_name: "Dana Whitfield", badge: "Y7001", role: "supervisor", ports: "YVR" },
  });
  expect(created.status()).toBe(200);
  const issued = await created.json();
  const supContext = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const supervisor = await supContext.newPage();
  const signed = await supervisor.request.post("/rpc/sign_in", {
    form: { username: issued.account.username, password: issued.password },
  });
  expect(signed.status()).toBe(200);

  const officer = await personaPage(browser, "duty.yvr");
  const { shipment, hold } = await ownHold(officer.request);
  await officer.goto(`/shipments/${shipment}`);
  await hydrated(officer);
  const holdWork = officer.locator(`.work-item[data-hold="${hold}"]`);
  await holdWork.getByLabel("Inspection").selectOption("physical");
  await holdWork.getByRole("button", { name: "Open inspection" }).click();
  const item = officer.locator(".work-item[data-inspection]");
  await expect(item).toHaveCount(1);
  // The work panel, with its forms, passes the automated accessibility checks too.
  const axe = await new AxeBuilder({ page: officer })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
  await item.getByRole("button", { name: "Claim" }).click();
  await item.getByRole("button", { name: "Start" }).click();
  const working = item;
  await working.getByLabel("Outcome").selectOption("seizure");
  await working.getByLabel("Notes").fill("Undeclared tobacco behind the false panel.");
  await working.getByRole("button", { name: "Complete" }).click();
  await expect(officer.locator(`.work-item[data-hold="${hold}"] h3`)).toContainText("Seizure requested");
  // The officer may not approve it: the button is not offered.
  await expect(officer.getByRole("button", { name: "Approve seizure…" })).toHaveCount(0);

  await supervisor.goto(`/shipments/${shipment}`);
  await hydrated(supervisor);
  const toApprove = supervisor.locator(`.work-item[data-hold="${hold}"]`);
  await toApprove.getByRole("button", { name: "Approve seizure…" }).click();
  await expect(supervisor.getByRole("alertdialog")).toContainText("cannot be undone");
  await supervisor.getByRole("button", { name: "Seize the goods" }).click();
  await expect(supervisor.locator(`.work-item[data-hold="${hold}"]`)).toHaveCount(0);

  // Both see the whole story on the shipment's timeline.
  for (const page of [officer, supervisor]) {
    await page.goto(`/shipments/${shipment}`);
    const timeline = page.getByRole("list", { name: "Timeline" });
    await expect(timeline).toContainText("completed: Finding: seizure");
    await expect(timeline).toContainText(`Hold #${hold} seized`);
    await expect(timeline).toContainText("Undeclared tobacco behind the false panel.");
  }
});

test("the queue works from the keyboard and shows who carries what", async ({ browser }) => {
  const officer = await personaPage(browser, "duty.yvr");
  // Work for the queue: a new inspection on an active YVR hold, opened through the API.
  const holds = (await (await officer.request.get("/api/v1/holds?port=YVR&per_page=1")).json()).items;
  const opened = await officer.request.post("/api/v1/inspections", {
    data: { hold_id: holds[0].id, kind: "detector_dog", priority: "urgent" },
  });
  expect(opened.status()).toBe(201);
  await officer.goto("/inspections?port=YVR&status=queued");
  await hydrated(officer);
  const rows = officer.locator("table.inspections tbody tr");
  await expect(rows.first()).toBeVisible();
  const id = await rows.first().getAttribute("data-inspection");
  await officer.keyboard.press("j");
  await expect(rows.first()).toHaveClass(/selected/);
  await officer.keyboard.press("c");
  await expect(officer.locator(`tr[data-inspection="${id}"]`)).toHaveCount(0);
  const mine = await (await officer.request.get(`/api/v1/inspections?port=YVR&status=assigned&per_page=100`)).json();
  expect(mine.items.some((i: any) => String(i.id) === id)).toBe(true);
  await officer.locator(".workload-panel summary").click();
  await expect(officer.getByRole("table", { name: "Officers and their open work" })).toBeVisible();
});

test("a supervisor assigns from the queue by keyboard, seeing who carries what", async ({
  browser,
}) => {
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
  await expect(row).toBeVisible();
  // Other work reaches this queue while the test runs (it is live): move down until the new
  // inspection is the chosen row, however many rows come before it.
  const count = await supervisor.locator("table.inspections tbody tr").count();
  for (let n = 0; n <= count + 20 && !(await hasClass(row, "selected")); n++) {
    await supervisor.keyboard.press("j");
  }
  await expect(row).toHaveClass(/selected/);
  const select = row.locator("select.assign");
  // `a` goes to the assign list. A refresh already under way when it is pressed redraws the
  // row (changes that arrive after are held while the list has focus): the choice of row
  // survives, so pressing again reaches the redrawn list.
  await expect(async () => {
    await supervisor.keyboard.press("a");
    await expect(select).toBeFocused({ timeout: 500 });
  }).toPass({ timeout: 5_000 });
  const choice = await select.locator("option").nth(1).getAttribute("value");
  await select.selectOption(choice ?? "");
  await expect(row).toContainText("Assigned");
  const stored = (await (await supervisor.request.get(`/api/v1/inspections?port=YYZ&status=assigned&per_page=100`)).json()).items.find((i: any) => i.id === id);
  expect(String(stored.assigned_officer.id)).toBe(choice);
});
