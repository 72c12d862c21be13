import { expect, test } from "@playwright/test";
import { live, personaPage } from "../support";

test.use({ storageState: { cookies: [], origins: [] } });

// Every page with a form: loaded and left untouched, it is plainly live. A change made
// elsewhere is applied at once, not held back as if someone were filling in the form.
const PAGES = [
  "/holds",
  "/inspections",
  "/handover",
  "/targeting",
  "/import",
  "/account",
  "/admin/accounts",
  "/ports/YVR",
];

test("each page with a form is plainly live after it loads, and stays so when a change arrives", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const admin = await personaPage(browser, "admin");
  const holds = (await (await admin.request.get("/api/v1/holds?port=YVR&per_page=1")).json()).items;
  const pages = holds.length ? [...PAGES, `/shipments/${holds[0].shipment_id}`] : PAGES;
  for (const address of pages) {
    await admin.goto(address);
    await live(admin);
    const indicator = admin.locator(".live-indicator");
    await expect(indicator, address).toHaveText("Live");
    // A change somewhere else: a rule of the page's own.
    const name = `Untouched ${address} ${Date.now()}`;
    const created = await admin.request.post("/api/v1/targeting/rules", {
      data: {
        name,
        indicator: { kind: "intelligence", party: `Party ${name}`, reference: `INT-${Date.now()}` },
        weight: 5,
        reason: `Named in alert ${name}`,
        instructions: "Check the labels",
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    // The held state would show within half a second of the change arriving.
    await admin.waitForTimeout(1_500);
    await expect(indicator, `${address} held a change back with nothing touched`).toHaveText("Live");
  }
  await admin.context().close();
});
