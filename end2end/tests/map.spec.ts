import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { hydrated, personaPage } from "../support";

// The map of Canada: every port at its place with its code, its tile on pointing or keyboard
// focus, the port's page on selection, the list that says the same, the accessibility checks
// in both languages and colour schemes, and nothing fetched from anywhere but the board.

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function demoPorts(page: Page): Promise<{ code: string; name: string }[]> {
  const overview = await (await page.request.get("/api/v1/ports")).json();
  return overview.ports.map((p: any) => ({ code: p.code, name: p.name }));
}

const marker = (page: Page, code: string) => page.locator(`svg a.map-marker[data-port="${code}"]`);
/** The marker's own shape: where a person points (the link also covers its code). */
const shape = (page: Page, code: string) => marker(page, code).locator(".map-shape");

test("every port has a marker with its code, the codes do not overlap, and the list has every port", async ({
  page,
}) => {
  const ports = await demoPorts(page);
  expect(ports.length).toBe(21);
  await page.goto("/map");
  await hydrated(page);
  for (const { code } of ports) {
    await expect(marker(page, code)).toBeVisible();
    await expect(marker(page, code).locator("text.map-label")).toHaveText(code);
  }
  // Codes stay readable where ports cluster (Windsor, Sarnia, Montréal, Vancouver).
  const boxes = await page
    .locator("text.map-label")
    .evaluateAll((labels) => labels.map((l) => l.getBoundingClientRect().toJSON()));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      expect(overlap, `labels ${i} and ${j} overlap`).toBe(false);
    }
  }
  await expect(page.locator("line.map-leader").first()).toBeVisible();

  // The list, shown on demand, names every port with what the map shows.
  const list = page.locator("details.map-list");
  await list.locator("summary").click();
  for (const { code, name } of ports) {
    const row = list.locator(`tr[data-port="${code}"]`);
    await expect(row).toBeVisible();
    await expect(row.getByRole("link")).toContainText(name);
  }
  await expect(list.locator("tbody tr")).toHaveCount(ports.length);

  // The overview shows the same map, with a way to the full screen.
  await page.goto("/");
  await expect(marker(page, "YYZ")).toBeVisible();
  await page.getByRole("link", { name: "Full-screen map" }).click();
  await expect(page).toHaveURL(/\/map$/);
});

test("a marker reached with the Tab key shows its tile, and Enter opens the port", async ({ page }) => {
  await page.goto("/map");
  await hydrated(page);
  await expect(page.locator(".map-tile article.tile")).toHaveCount(0);
  // From the top of the page: past the header's controls to the first marker.
  let code: string | null = null;
  for (let i = 0; i < 80 && !code; i++) {
    await page.keyboard.press("Tab");
    code = await page.evaluate(() =>
      document.activeElement?.classList.contains("map-marker")
        ? document.activeElement.getAttribute("data-port")
        : null,
    );
  }
  expect(code, "a marker takes the keyboard focus").not.toBeNull();
  const tile = page.locator(`.map-tile article.tile[data-port="${code}"]`);
  await expect(tile).toBeVisible();
  await expect(tile.locator(".badge")).toBeVisible();
  // The next marker's tile replaces it.
  await page.keyboard.press("Tab");
  const next = await page.evaluate(() => document.activeElement?.getAttribute("data-port"));
  expect(next).not.toBe(code);
  await expect(page.locator(`.map-tile article.tile[data-port="${next}"]`)).toBeVisible();
  await expect(tile).toHaveCount(0);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/ports/${next}$`));
  await expect(page.locator("h1 .code")).toHaveText(next!);
});

test("pointing at a marker shows its tile and clicking it opens the port", async ({ page }) => {
  await page.goto("/map");
  await hydrated(page);
  await shape(page, "YHZ").hover();
  await expect(page.locator('.map-tile article.tile[data-port="YHZ"]')).toBeVisible();
  await shape(page, "RWI").hover();
  const rwi = page.locator('.map-tile article.tile[data-port="RWI"]');
  await expect(rwi).toBeVisible();
  await expect(rwi).toHaveClass(/status-closed/);
  // A closed port is told by its shape too: a crossed square.
  await expect(page.locator('g.map-port.status-closed:has(a[data-port="RWI"]) path.map-cross')).toHaveCount(1);
  await shape(page, "RWI").click();
  await expect(page).toHaveURL(/\/ports\/RWI$/);
  await expect(page.locator("h1 .code")).toHaveText("RWI");
});

test("the map fetches nothing from outside the board", async ({ page }) => {
  const base = new URL(test.info().project.use.baseURL!).origin;
  const outside: string[] = [];
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith("data:") && !url.startsWith("blob:") && new URL(url).origin !== base) outside.push(url);
  });
  await page.goto("/map");
  await hydrated(page);
  await shape(page, "YVR").hover();
  await marker(page, "YUL").focus();
  await page.goto("/");
  await hydrated(page);
  await shape(page, "YYZ").hover();
  expect(outside).toEqual([]);
});

for (const language of ["en", "fr"] as const) {
  for (const scheme of ["light", "dark"] as const) {
    test(`/map passes the automated accessibility checks (${language}, ${scheme})`, async ({ browser }) => {
      test.setTimeout(90_000);
      const page = await personaPage(browser, "viewer");
      await page.context().addCookies([{ name: "lang", value: language, url: test.info().project.use.baseURL! }]);
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto("/map");
      await hydrated(page);
      await expect(page.locator("html")).toHaveAttribute("lang", language);
      const check = async () => {
        const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
        return results.violations.map(
          (v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
        );
      };
      expect(await check()).toEqual([]);
      // With a tile shown, the legend and the list open.
      await marker(page, "AMB").focus();
      await expect(page.locator('.map-tile article.tile[data-port="AMB"]')).toBeVisible();
      await page.locator("details.map-legend summary").click();
      await page.locator("details.map-list summary").click();
      expect(await check()).toEqual([]);
      await page.context().close();
    });
  }
}

test("the committed outline is what the projection script makes of the data", () => {
  // As the README says to check it: cd scripts/map && npm ci && node project.mjs --check
  const out = execFileSync("node", ["project.mjs", "--check"], {
    cwd: path.resolve(__dirname, "../../scripts/map"),
    encoding: "utf8",
  });
  expect(out).toContain("is current");
});
