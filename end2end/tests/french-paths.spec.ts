import { expect, test, type Page } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import { hydrated, ownAccount, ownHold, personaPage } from "../support";

test.use({ storageState: { cookies: [], origins: [] } });

/** The French catalogue's sentence for `area.key` (with `{{ values }}` left in). */
function fr(area: string, key: string): string {
  const file = path.join(__dirname, "..", "..", "locales", "fr", `${area}.json`);
  const value = key.split(".").reduce((v: any, k) => v?.[k], JSON.parse(fs.readFileSync(file, "utf8")));
  if (typeof value !== "string") throw new Error(`no French sentence ${area}.${key}`);
  return value;
}

async function inFrench(page: Page) {
  await page.context().addCookies([
    { name: "lang", value: "fr", url: test.info().project.use.baseURL as string },
  ]);
}

test("the board in French: the overview, its totals and a port's tile", async ({ browser }) => {
  const page = await personaPage(browser, "viewer");
  await inFrench(page);
  await page.goto("/");
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(fr("board", "heading"));
  const totals = page.getByLabel(fr("board", "country_totals"));
  await expect(totals).toContainText(fr("board", "active_holds"));
  await expect(totals).toContainText(fr("board", "officers_on_shift"));
  await expect(page.getByRole("navigation", { name: fr("common", "nav_label") })).toContainText(
    fr("common", "nav_holds"),
  );
  await expect(page.getByRole("button", { name: "English" })).toBeVisible();
  // A number in French: no comma as a thousands separator anywhere in the totals.
  expect(await totals.innerText()).not.toMatch(/\d,\d{3}/);
});

test("a duty officer releases a hold in French", async ({ browser }) => {
  // An officer of the test's own, at the busiest port other than YVR (where other tests act).
  const viewer = await personaPage(browser, "viewer");
  const ports = await (await viewer.request.get("/api/v1/ports")).json();
  const port = (ports.ports ?? ports.items ?? ports)
    .filter((p: any) => p.code !== "YVR" && p.code !== "YYZ")
    .sort((a: any, b: any) => b.active_holds - a.active_holds)[0].code;
  await viewer.context().close();
  const { page: officer } = await ownAccount(browser, "officer", port, "Émilie Tremblay");
  await inFrench(officer);
  const { shipment, hold } = await ownHold(officer.request, port);
  await officer.goto(`/shipments/${shipment}`);
  await hydrated(officer);
  await expect(officer.locator("html")).toHaveAttribute("lang", "fr");
  const work = officer.locator(`.work-item[data-hold="${hold}"]`);
  await work.getByLabel(fr("holds", "reason_or_note")).fill("Examen terminé, rien à signaler : mainlevée.");
  await work.getByRole("button", { name: fr("holds", "release") }).click();
  await expect(work).toHaveCount(0);
  const detail = await (await officer.request.get(`/api/v1/shipments/${shipment}`)).json();
  expect(detail.holds.find((h: any) => h.id === hold).status).toBe("released");
  // The hold now reads as released, in French, on the shipment's page.
  await expect(officer.locator("main")).toContainText(fr("domain", "hold_status.released"));
});
