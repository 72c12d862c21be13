import { expect, test } from "@playwright/test";
import { hydrated, ownAccount } from "../support";

test.use({ storageState: { cookies: [], origins: [] } });

test("the first paint follows Accept-Language, with no flash of English", async ({ browser }) => {
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    locale: "fr-CA",
  });
  const page = await context.newPage();
  // The server's HTML, before any script runs, is already French.
  const response = await page.request.get("/signin", {
    headers: { "Accept-Language": "fr-CA,fr;q=0.9" },
  });
  const html = await response.text();
  expect(html).toContain('<html lang="fr"');
  expect(response.headers()["content-language"]).toBe("fr");
  await page.goto("/signin");
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("button", { name: "English" })).toBeVisible();
});

test("the toggle switches language keeping the address, the scroll and a form being filled in", async ({
  browser,
}) => {
  const { page } = await ownAccount(browser, "officer", "YUL");
  await page.setViewportSize({ width: 1280, height: 500 });
  await page.goto("/holds?port=YUL&sort=dwell");
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  const older = page.locator('form.filters input[name="min_age_hours"]');
  await older.fill("7");
  await page.evaluate(() => window.scrollTo(0, 200));
  const scrolled = await page.evaluate(() => window.scrollY);

  await page.getByRole("button", { name: "Français" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await hydrated(page);
  await expect(page).toHaveURL(/\/holds\?port=YUL&sort=dwell$/);
  await expect(page.locator('form.filters input[name="min_age_hours"]')).toHaveValue("7");
  expect(Math.abs((await page.evaluate(() => window.scrollY)) - scrolled)).toBeLessThan(40);
  await expect(page.getByRole("button", { name: "English" })).toBeVisible();
  await expect(page).toHaveTitle(/Centre des opérations frontalières/);

  // The choice is the account's: another browser signed in as them is French too.
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");

  // And back.
  await hydrated(page);
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("button", { name: "Français" })).toBeVisible();
});

test("without JavaScript the toggle is a form that comes back to the page", async ({ browser }) => {
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    javaScriptEnabled: false,
  });
  const page = await context.newPage();
  await page.goto("/signin?next=%2Fholds");
  await page.getByRole("button", { name: "Français" }).click();
  await expect(page).toHaveURL(/\/signin\?next=%2Fholds$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === "lang")?.value).toBe("fr");
});
