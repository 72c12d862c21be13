import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import * as fs from "node:fs";
import { declareMarkedHandbags, hydrated, personaPage } from "../support";

// An officer detains counterfeit handbags for the rights holder: sends the notice from the
// shipment page, reads the deadline as a clock, prints the bilingual notice and downloads it as
// PDF, then records that the rights holder will take no action, which releases the goods.

test.use({ storageState: { cookies: [], origins: [] } });

test("an officer prints a detention notice for the rights holder", async ({ browser }) => {
  test.setTimeout(90_000);
  const officer = await personaPage(browser, "supervisor.yyz");
  const importer = `Detention Test Imports ${Date.now()}`;
  const item = await declareMarkedHandbags(officer.request, importer);

  await officer.goto(`/shipments/${item.shipment_id}`);
  await hydrated(officer);
  const panel = officer.getByRole("region", { name: "Detention for the rights holder" });
  await expect(panel.getByLabel("Request for assistance")).toHaveValue(/\d+/);
  await expect(panel.getByLabel("Request for assistance").locator("option:checked")).toContainText("Maison Beaulieu SA");
  // A charge that is no amount is refused beside its field, and no notice is sent.
  await panel.getByLabel("Storage and handling per day (CAD)").fill("fifty");
  await panel.getByRole("button", { name: "Send the notice" }).click();
  await expect(panel.getByText("Nothing was recorded.")).toBeVisible();
  const charge = panel.getByLabel("Storage and handling per day (CAD)");
  await expect(charge).toHaveAttribute("aria-invalid", "true");
  await expect(charge).toHaveAccessibleDescription(/“fifty” is not an amount in dollars/);
  await expect(panel.getByRole("article")).toHaveCount(0);

  await panel.getByLabel("Storage and handling per day (CAD)").fill("50.00");
  await panel.getByRole("button", { name: "Send the notice" }).click();
  const card = panel.getByRole("article");
  await expect(card).toBeVisible();
  await expect(card.getByRole("timer")).toHaveText("10 working days left");
  await expect(card).toContainText("the port's time");
  await expect(card).toContainText("0 days at 50.00 CAD: 0.00 CAD");
  await expect(card).toContainText("None yet");
  const axe = await new AxeBuilder({ page: officer })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .include(".detention-panel")
    .analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);

  // The notice to print: English, then French, each marked with its language.
  await card.getByRole("link", { name: "Print the notice" }).click();
  await expect(officer).toHaveURL(/\/detentions\/\d+\/notice$/);
  await hydrated(officer);
  const english = officer.locator("article.letter[lang=en]");
  const french = officer.locator("article.letter[lang=fr]");
  await expect(english.getByRole("heading", { level: 2 })).toHaveText(
    "Notice of detention: goods suspected of bearing a protected mark",
  );
  await expect(english).toContainText("Maison Beaulieu SA");
  await expect(english).toContainText(`Importer: ${importer}`);
  await expect(english).toContainText("10 more working days");
  await expect(french.getByRole("heading", { level: 2 })).toHaveText(
    "Avis de rétention\u00a0: marchandises soupçonnées de porter une marque protégée",
  );
  await expect(french).toContainText(`Importateur\u00a0: ${importer}`);
  const letterAxe = await new AxeBuilder({ page: officer })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  expect(letterAxe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  // Print opens the browser's print dialogue.
  await officer.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => {
      (window as unknown as { printed: number }).printed += 1;
    };
  });
  await officer.getByRole("button", { name: "Print", exact: true }).click();
  expect(await officer.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

  // The same letter as PDF.
  const [download] = await Promise.all([
    officer.waitForEvent("download"),
    officer.getByRole("link", { name: "Download the notice (PDF)" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^detention-\d+-notice\.pdf$/);
  const file = await download.path();
  expect(fs.readFileSync(file!).subarray(0, 5).toString()).toBe("%PDF-");

  // The rights holder writes that it will not act: the detention ends, the goods go once
  // their examination is done (refused while it is open, with nothing recorded).
  await officer.getByRole("link", { name: "Back to the shipment" }).click();
  await hydrated(officer);
  const again = officer.getByRole("region", { name: "Detention for the rights holder" }).getByRole("article");
  await again.getByLabel("What happened").selectOption("no_action");
  await again.getByLabel(/^Reason/).fill("The rights holder's letter: no proceedings");
  await again.getByRole("button", { name: "Record" }).click();
  await expect(officer.getByRole("alert")).toContainText("open inspection");
  await expect(again).toContainText("None yet");
  await officer.context().close();
});
