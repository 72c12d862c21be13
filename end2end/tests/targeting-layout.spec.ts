import { expect, test, type Browser, type Page } from "@playwright/test";
import { live, personaPage } from "../support";

/** A rule of its own for this test, created through the API by an administrator. */
async function newRule(browser: Browser, name: string) {
  const admin = await personaPage(browser, "admin");
  const created = await admin.request.post("/api/v1/targeting/rules", {
    data: {
      name,
      indicator: { kind: "intelligence", party: `Party ${name}`, reference: `INT-${name}` },
      weight: 20,
      reason: `Named in alert ${name}`,
      instructions: "Check the labels",
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  await admin.context().close();
}

/** Whether the document is wider than the window: the page would scroll sideways. */
async function widths(page: Page) {
  return page.evaluate(() => ({
    document: document.documentElement.scrollWidth,
    window: window.innerWidth,
  }));
}

for (const [width, height] of [
  [1440, 900],
  [1280, 800],
]) {
  // The rules page fits the window, and with nothing touched it is plainly live: a change made
  // elsewhere shows at once, not held back as if a form were being filled in.
  test(`/targeting fits ${width} × ${height} and is live after it loads`, async ({ browser }) => {
    const analyst = await personaPage(browser, "analyst.ntc");
    await analyst.setViewportSize({ width, height });
    await analyst.goto("/targeting");
    await live(analyst);
    const indicator = analyst.locator(".live-indicator");
    await expect(indicator).toHaveText("Live");
    const size = await widths(analyst);
    expect(size.document, `document ${size.document} px wide in a ${size.window} px window`).toBeLessThanOrEqual(
      size.window,
    );
    // Sign out is in view, not cut off at the right.
    const signOut = analyst.getByRole("button", { name: "Sign out" });
    const box = await signOut.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x + box!.width).toBeLessThanOrEqual(width);

    const name = `Layout ${width} ${Date.now()}${Math.floor(Math.random() * 1000)}`;
    await newRule(browser, name);
    await expect(analyst.getByRole("row").filter({ hasText: name })).toBeVisible();
    await expect(indicator).toHaveText("Live");
    // A rule's name reads as text, not in the capitals of a column head.
    const head = analyst.getByRole("rowheader").filter({ hasText: name });
    await expect(head).toHaveCSS("text-transform", "none");
    await analyst.context().close();
  });
}

// A rule edited in French: the page, its form and its confirmation in French.
test("an analyst edits a rule's weight in French and reads the French confirmation", async ({ browser }) => {
  const name = `Règle ${Date.now()}${Math.floor(Math.random() * 1000)}`;
  await newRule(browser, name);
  const analyst = await personaPage(browser, "analyst.ntc");
  await analyst.context().addCookies([
    { name: "lang", value: "fr", url: test.info().project.use.baseURL as string },
  ]);
  await analyst.goto("/targeting");
  await live(analyst);
  await expect(analyst.locator("html")).toHaveAttribute("lang", "fr");
  await expect(analyst.getByRole("heading", { name: "Règles de ciblage" })).toBeVisible();
  await expect(analyst.locator(".live-indicator")).toHaveAttribute("data-connection", "live");

  await analyst.getByRole("button", { name: `Modifier ${name}` }).click();
  await expect(analyst.getByRole("heading", { name: /Modifier la règle no \d+/ })).toBeVisible();
  await analyst.getByLabel("Poids", { exact: true }).fill("45");
  await analyst.getByRole("button", { name: "Enregistrer la nouvelle version" }).click();
  await expect(analyst.getByRole("status").filter({ hasText: "enregistrée comme version 2" })).toHaveText(
    `« ${name} » enregistrée comme version 2, activée : elle cote désormais les nouvelles déclarations.`,
  );
  const row = analyst.locator("table.rules tbody tr").filter({ hasText: name });
  await expect(row).toContainText("45");
  await expect(row).toContainText("Activée");
  await analyst.context().close();
});
