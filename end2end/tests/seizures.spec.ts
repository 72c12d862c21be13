import { expect, test, type Page } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import { hydrated, parseCsv, personaPage } from "../support";

// The seizure reports page: a report for a partner administration downloaded as a file, in
// either language, with the parties left out unless chosen, and a refusal said beside its field
// with what was typed kept.

test.use({ storageState: { cookies: [], origins: [] } });

/** The catalogue's sentence for `seizures.page.key` in `language` ({{ values }} left in). */
function said(language: "en" | "fr", key: string): string {
  const file = path.join(__dirname, "..", "..", "locales", language, "seizures.json");
  const value = JSON.parse(fs.readFileSync(file, "utf8")).page?.[key];
  if (typeof value !== "string") throw new Error(`no sentence seizures.page.${key} in ${language}`);
  return value;
}

/** Fills the form and downloads the report; the file's text and name. */
async function download(page: Page, language: "en" | "fr", format: "csv" | "json", parties: boolean) {
  await page.getByLabel(said(language, "partner"), { exact: true }).fill("U.S. Customs and Border Protection");
  await page.getByLabel(said(language, "reason"), { exact: true }).fill("Operation Pallet, joint request 2026-114");
  await page.getByLabel(said(language, format === "csv" ? "csv" : "json")).check();
  if (parties) await page.getByLabel(said(language, "personal_data")).check();
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: said(language, "download") }).click(),
  ]);
  const text = fs.readFileSync((await file.path())!, "utf8");
  return { text, name: file.suggestedFilename() };
}

test("an analyst downloads a month's seizures as CSV, the parties left out, and the page says how many and where it is journaled", async ({ browser }) => {
  const page = await personaPage(browser, "analyst.ntc");
  await page.goto("/");
  await hydrated(page);
  await page.getByRole("link", { name: "Seizures", exact: true }).click();
  await expect(page).toHaveURL(/\/seizures\/reports$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(said("en", "title"));
  await hydrated(page);

  const { text, name } = await download(page, "en", "csv", false);
  expect(name).toMatch(/^seizures-\d{4}-\d\d-\d\dT\d{4}Z\.csv$/);
  const [header, ...rows] = parseCsv(text);
  expect(header).toContain("seizure_id");
  expect(header).toContain("detection_method");
  // The demo's fortnight has seizures at its ports; an analyst sees every port's.
  expect(rows.length).toBeGreaterThan(0);
  const status = page.getByRole("status").filter({ hasText: "Report downloaded" });
  await expect(status).toContainText(new RegExp(`Report downloaded: ${rows.length} seizures? in ${name.replace(/\./g, "\\.")}\\.`));
  await expect(status).toContainText("the parties' names and addresses were left out");
  const shipper = header.indexOf("shipper_name");
  expect(rows.every((row) => row[shipper] === "")).toBe(true);

  // The same report with the parties, in JSON: the journal entry it names is the next one.
  const firstSeq = Number((await status.textContent())!.match(/Journal entry no\. ([\d,]+)/)![1].replace(/,/g, ""));
  const json = await download(page, "en", "json", true);
  expect(json.name).toMatch(/\.json$/);
  const report = JSON.parse(json.text);
  expect(report.personal_data).toBe(true);
  expect(report.seizures.length).toBe(rows.length);
  expect(report.seizures[0].parties.shipper_name).not.toBe("");
  expect(report.journal_seq).toBeGreaterThan(firstSeq);
  await expect(page.getByRole("status").filter({ hasText: "Report downloaded" })).toContainText(
    "with the parties' names and addresses",
  );
});

test("a refusal is said beside its field and the form keeps what was typed", async ({ browser }) => {
  const page = await personaPage(browser, "supervisor.yyz");
  await page.goto("/seizures/reports");
  await hydrated(page);
  const reason = page.getByLabel(said("en", "reason"), { exact: true });
  await reason.fill("Joint operation");
  // A period that ends before it starts.
  await page.getByLabel(said("en", "from")).fill("2026-11-20");
  await page.getByLabel(said("en", "to")).fill("2026-11-10");
  await page.getByLabel(said("en", "partner"), { exact: true }).fill("Mexico's customs administration");
  await page.getByRole("button", { name: said("en", "download") }).click();
  const to = page.getByLabel(said("en", "to"));
  await expect(to).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("alert")).toContainText("Nothing was sent: the last day of the period comes before its first day");
  await expect(reason).toHaveValue("Joint operation");

  // One seizure by a number that is no seizure: told so, in words.
  await page.getByLabel(said("en", "one_seizure")).check();
  await page.getByLabel(said("en", "seizure_id")).fill("999999");
  await page.getByRole("button", { name: said("en", "download") }).click();
  await expect(page.getByRole("alert")).toContainText("999999");
  await expect(reason).toHaveValue("Joint operation");
});

test("a viewer is told who sends seizure reports, and has no link to them", async ({ browser }) => {
  const page = await personaPage(browser, "viewer");
  await page.goto("/seizures/reports");
  await hydrated(page);
  await expect(page.getByText(said("en", "refusal_role"))).toBeVisible();
  await expect(page.getByRole("button", { name: said("en", "download") })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Seizures", exact: true })).toHaveCount(0);
});

test("en français : un superviseur télécharge les saisies de son point d'entrée", async ({ browser }) => {
  const page = await personaPage(browser, "supervisor.yyz");
  await page.context().addCookies([{ name: "lang", value: "fr", url: test.info().project.use.baseURL as string }]);
  await page.goto("/seizures/reports");
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(said("fr", "title"));
  const { text, name } = await download(page, "fr", "csv", false);
  const [header, ...rows] = parseCsv(text);
  const port = header.indexOf("port_code");
  expect(rows.every((row) => row[port] === "YYZ")).toBe(true);
  const status = page.getByRole("status").filter({ hasText: "Rapport téléchargé" });
  await expect(status).toContainText(new RegExp(`Rapport téléchargé\u00a0: ${rows.length} saisies? dans ${name.replace(/\./g, "\\.")}\\.`));
  await expect(status).toContainText("les noms et adresses des parties ont été omis");
});
