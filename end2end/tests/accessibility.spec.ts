import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { hydrated, personaPage } from "../support";

// The board is read from a wall and by keyboard and screen-reader users at desks: every page
// must pass the WCAG 2.2 AA rules axe can check (contrast and target sizes included), in both
// official languages and in both colour schemes.
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

// Each page, read as a persona who may use it.
const pages: [string, string][] = [
  ["/", "viewer"],
  ["replay of the overview", "viewer"],
  ["/holds", "viewer"],
  ["/inspections?status=all", "viewer"],
  ["/ports/YYZ", "viewer"],
  ["seized shipment", "viewer"],
  ["/account", "viewer"],
  ["/account/sessions", "viewer"],
  ["/handover?port=YYZ", "supervisor.yyz"],
  ["/inspections?port=YYZ&status=open", "supervisor.yyz"],
  ["/targeting", "analyst.ntc"],
  ["/seizures/reports", "supervisor.yyz"],
  ["/rights", "analyst.ntc"],
  ["/import", "admin"],
  ["/admin/accounts", "admin"],
];

/** What axe finds on the page, or only within `within` (its rules still see the whole page:
 *  contrast against what lies behind, targets overlapping other targets). */
async function violations(page: Page, within?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page }).withTags(TAGS);
  const results = await (within ? builder.include(within) : builder).analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
  );
}

for (const language of ["en", "fr"] as const) {
  for (const scheme of ["light", "dark"] as const) {
    test.describe(`${language}, ${scheme} scheme`, () => {
      test.describe.configure({ timeout: 90_000 });

      test("/signin passes the automated accessibility checks", async ({ browser }) => {
        const context = await browser.newContext({
          baseURL: test.info().project.use.baseURL,
          storageState: { cookies: [], origins: [] },
          colorScheme: scheme,
        });
        await context.addCookies([{ name: "lang", value: language, url: test.info().project.use.baseURL! }]);
        const page = await context.newPage();
        await page.goto("/signin");
        await hydrated(page);
        await expect(page.locator("html")).toHaveAttribute("lang", language);
        expect(await violations(page)).toEqual([]);
        await context.close();
      });

      for (const [target, persona] of pages) {
        test(`${target} (${persona}) passes the automated accessibility checks`, async ({ browser }) => {
          const page = await personaPage(browser, persona);
          await page.context().addCookies([
            { name: "lang", value: language, url: test.info().project.use.baseURL! },
          ]);
          await page.emulateMedia({ colorScheme: scheme });
          let path = target;
          if (target === "seized shipment") {
            const holds = await (await page.request.get("/api/v1/holds?status=seized&per_page=1")).json();
            path = `/shipments/${holds.items[0].shipment_id}`;
          }
          if (target === "replay of the overview") {
            path = `/?at=${new Date(Date.now() - 3_600_000).toISOString()}`;
          }
          await page.goto(path);
          await hydrated(page);
          await expect(page.locator("html")).toHaveAttribute("lang", language);
          expect(await violations(page)).toEqual([]);
          // The account menu open: its links. (What the open menu covers was checked above
          // with it closed; a control under an open menu is not one a person can reach then.)
          await page.locator(".usermenu > summary").press("Enter");
          await expect(page.locator(".usermenu .menu")).toBeVisible();
          expect(await violations(page, ".usermenu")).toEqual([]);
          await page.context().close();
        });
      }
    });
  }
}
