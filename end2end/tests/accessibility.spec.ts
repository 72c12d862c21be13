import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { hydrated, personaPage } from "../support";

// The board is read from a wall and by keyboard and screen-reader users at desks: every page
// must pass the WCAG 2.1 AA rules axe can check, contrast included, in light and dark schemes.
const pages = [
  "/",
  "/holds",
  "/inspections?status=all",
  "/ports/YYZ",
  "seized shipment",
  "/account",
  "/account/sessions",
];
// Pages of roles the viewer does not hold, read as the persona who may use them.
const personaPages: [string, string][] = [
  ["/targeting", "analyst.ntc"],
  ["/import", "admin"],
];

for (const scheme of ["light", "dark"] as const) {
  test.describe(`${scheme} scheme`, () => {
    test.use({ colorScheme: scheme });
    test.describe.configure({ timeout: 60_000 });

    test.describe("signed out", () => {
      test.use({ storageState: { cookies: [], origins: [] } });
      test("/signin passes the automated accessibility checks", async ({ page }) => {
        await page.goto("/signin");
        await hydrated(page);
        const results = await new AxeBuilder({ page })
          .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
          .analyze();
        expect(results.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
      });
    });

    for (const target of pages) {
      test(`${target} passes the automated accessibility checks`, async ({ page, request }) => {
        let path = target;
        if (target === "seized shipment") {
          const holds = await (await request.get("/api/v1/holds?status=seized&per_page=1")).json();
          path = `/shipments/${holds.items[0].shipment_id}`;
        }
        await page.goto(path);
        await hydrated(page);
        const results = await new AxeBuilder({ page })
          .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
          .analyze();
        const found = results.violations.map(
          (v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
        );
        expect(found).toEqual([]);
      });
    }

    for (const [path, persona] of personaPages) {
      test(`${path} passes the automated accessibility checks`, async ({ browser }) => {
        const page = await personaPage(browser, persona);
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(path);
        await hydrated(page);
        const results = await new AxeBuilder({ page })
          .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
          .analyze();
        const found = results.violations.map(
          (v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
        );
        expect(found).toEqual([]);
        await page.context().close();
      });
    }
  });
}
