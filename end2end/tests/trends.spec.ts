import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { hydrated, parseCsv, personaPage } from "../support";

// /trends: the charts and their tables in both languages, a chart's CSV equal to its table's
// rows, the filter carried by the address, and the accessibility checks in both languages and
// colour schemes.

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** A table cell as a number: the page writes `1,234` (English), the file `1234`. */
const number = (text: string) => (text === "–" ? "" : text.replace(/,/g, ""));

async function tableRows(page: Page, series: string): Promise<string[][]> {
  return page
    .locator(`section[data-series="${series}"] table tbody tr`)
    .evaluateAll((rows) => rows.map((r) => Array.from(r.children).map((c) => (c.textContent ?? "").trim())));
}

test("a chart's CSV holds exactly its table's rows", async ({ page }) => {
  await page.goto("/trends?period=30d");
  await hydrated(page);
  for (const series of ["holds", "release_times", "past_service_level"]) {
    const section = page.locator(`section[data-series="${series}"]`);
    await expect(section.locator("svg.chart-svg")).toBeVisible();
    const link = section.getByRole("link", { name: "Download CSV" });
    const href = (await link.getAttribute("href")) ?? "";
    expect(href).toContain(`series=${series}`);
    expect(href).toContain("period=30d");
    // The simulator moves the country: read the table and the file until they agree.
    await expect(async () => {
      await page.reload();
      const shown = await tableRows(page, series);
      const response = await page.request.get(href);
      expect(response.status()).toBe(200);
      const [, ...rows] = parseCsv(await response.text());
      expect(shown.length).toBe(30);
      expect(rows.length).toBe(shown.length);
      // The day as the file writes it (English dates are the same), then each figure.
      expect(shown.map((r) => [r[0], ...r.slice(1).map(number)])).toEqual(rows);
    }).toPass({ timeout: 30_000 });
  }
});

test("the filter is a form that puts itself in the address, in English and in French", async ({ browser }) => {
  const page = await personaPage(browser, "viewer");
  await page.goto("/trends");
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Trends over days");
  await expect(page.getByText("Eastern (America/Toronto)")).toBeVisible();
  await page.locator(`select[name="period"]`).selectOption("1d");
  await page.locator(`select[name="port"]`).selectOption("YUL");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/period=1d/);
  await expect(page).toHaveURL(/port=YUL/);
  await expect(page.getByText("the port’s own time (America/Toronto)")).toBeVisible();
  await expect(page.locator('section[data-series="holds"] table tbody tr')).toHaveCount(1);
  // A custom period too long is refused with its reason.
  await page.goto("/trends?period=custom&from=2026-01-01&to=2026-06-30");
  await expect(page.getByRole("alert")).toContainText("at most 92 days");

  await page.context().addCookies([{ name: "lang", value: "fr", url: test.info().project.use.baseURL! }]);
  await page.goto("/trends?period=7d&region=quebec");
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Tendances jour par jour");
  await expect(page.getByRole("heading", { name: "Délais de mainlevée" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Télécharger en CSV" }).first()).toBeVisible();
  await page.context().close();
});

for (const language of ["en", "fr"] as const) {
  for (const scheme of ["light", "dark"] as const) {
    test(`/trends passes the automated accessibility checks (${language}, ${scheme})`, async ({ browser }) => {
      test.setTimeout(90_000);
      const page = await personaPage(browser, "viewer");
      await page.context().addCookies([{ name: "lang", value: language, url: test.info().project.use.baseURL! }]);
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto("/trends?period=30d");
      await hydrated(page);
      await expect(page.locator("html")).toHaveAttribute("lang", language);
      const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
      const violations = results.violations.map(
        (v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
      );
      expect(violations).toEqual([]);
      await page.context().close();
    });
  }
}
