import { expect, test } from "@playwright/test";
import { hydrated } from "../support";

test("the overview shows a tile per port with the country's totals", async ({ page }) => {
  await page.goto("/");
  const tiles = page.locator("article.tile");
  await expect(tiles.first()).toBeVisible();
  expect(await tiles.count()).toBeGreaterThanOrEqual(15);
  for (const code of ["YYZ", "YVR", "AMB", "PVN"]) {
    await expect(page.locator(`article.tile[data-port="${code}"]`)).toBeVisible();
  }
  await expect(page.locator('article.tile[data-port="RWI"]')).toHaveClass(/status-closed/);
  await expect(page.getByLabel("Country totals")).toContainText("Active holds");
  // The header clock ticks in the browser once hydrated.
  await hydrated(page);
  const clock = page.locator(".header-clock time");
  const first = await clock.textContent();
  await expect(clock).not.toHaveText(first ?? "", { timeout: 3_000 });
});

test("clicking a hold opens its shipment and timeline without a page reload", async ({ page }) => {
  await page.goto("/holds");
  await hydrated(page);
  // A marker on the window survives client-side navigation and is lost on a full reload.
  await page.evaluate(() => ((window as any).__sameDocument = "yes"));
  const firstRow = page.locator("table.holds tbody tr").first();
  const reference = (await firstRow.locator("a.shipment-link").textContent())?.trim() ?? "";
  expect(reference).not.toBe("");
  await firstRow.locator("a.shipment-link").click();
  await expect(page).toHaveURL(/\/shipments\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(reference);
  const timeline = page.getByRole("list", { name: "Timeline" });
  await expect(timeline.locator("li").first()).toContainText("Shipment declared");
  await expect(timeline).toContainText("placed");
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe("yes");
});

test("hold filters narrow the list and say what is wrong with a bad one", async ({ page }) => {
  await page.goto("/holds");
  await hydrated(page);
  await page.getByLabel("Reason").selectOption("intellectual_property");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/reason=intellectual_property/);
  const reasons = page.locator("table.holds tbody tr td:nth-child(4)");
  await expect(reasons.first()).toBeVisible();
  // The old rows stay on screen while the new ones load: wait until every row is the reason.
  await expect(reasons.filter({ hasNotText: "Intellectual property" })).toHaveCount(0);
  await page.goto("/holds?per_page=9999");
  await expect(page.getByRole("alert")).toContainText("per_page");
});

test("the inspection queue marks overdue work and opens a port", async ({ page }) => {
  await page.goto("/inspections?status=all");
  await expect(page.locator("table.inspections tbody tr").first()).toBeVisible();
  await hydrated(page);
  await page.locator("table.inspections tbody tr td a[href^='/ports/']").first().click();
  await expect(page).toHaveURL(/\/ports\/[A-Z]+$/);
  await expect(page.getByLabel("Port figures")).toContainText("Release time");
});

test("pages hydrate under the Content-Security-Policy without console errors", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  for (const path of ["/", "/holds", "/inspections", "/ports/YVR"]) {
    const response = await page.goto(path);
    expect(response?.headers()["content-security-policy"]).toContain("'nonce-");
    await hydrated(page);
  }
  expect(problems).toEqual([]);
});
