import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import { declareMarkedHandbags, hydrated, personaPage } from "../support";

// The register of requests for assistance: an analyst registers a request from the page and
// renews it, a refusal is said beside its field with nothing registered, an officer reads the
// register without the forms, and the page speaks French.

test.use({ storageState: { cookies: [], origins: [] } });

/** The catalogue's sentence for `rights.page.key` in `language` ({{ values }} left in). */
function said(language: "en" | "fr", key: string): string {
  const file = path.join(__dirname, "..", "..", "locales", language, "rights.json");
  const value = JSON.parse(fs.readFileSync(file, "utf8")).page?.[key];
  if (typeof value !== "string") throw new Error(`no sentence rights.page.${key} in ${language}`);
  return value;
}

test("an analyst registers a request for assistance, sees it in force, and renews it", async ({ browser }) => {
  const page = await personaPage(browser, "analyst.ntc");
  await page.goto("/targeting");
  await hydrated(page);
  await page.getByRole("link", { name: "The register of requests for assistance", exact: true }).click();
  await expect(page).toHaveURL(/\/rights$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(said("en", "title"));
  await hydrated(page);

  const holder = `Maple Leaf Outerwear ${Date.now()}`;
  const field = (key: string) => page.getByLabel(said("en", key), { exact: true });
  await field("head_holder").fill(holder);
  await field("head_marks").fill("NORTH MAPLE\nCaribou");
  await field("goods_codes").fill("6201, 64");
  await field("goods_words").fill("Parkas and winter boots");
  await field("head_genuine").fill("A sewn-in hologram label with a serial number");
  await field("contact_name").fill("A. Tremblay");
  await field("contact_email").fill("ip@maple.example");
  await field("contact_phone").fill("+1 514 555 0100");
  await field("security").fill("25,000");
  await field("reason").fill("Application RFA-2026-0142 accepted");

  // A telephone number too short is refused beside its field; nothing is registered and the
  // form keeps what was typed.
  await field("contact_phone").fill("555");
  await page.getByRole("button", { name: said("en", "register") }).click();
  const phone = page.locator("#rfa-contact_phone");
  await expect(phone).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#rfa-contact_phone-error")).toHaveText(/^Give a telephone number of 7 to 20 digits/);
  await expect(phone).toHaveAttribute("aria-describedby", "rfa-contact_phone-error");
  await expect(page.getByText(said("en", "nothing_done"))).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(holder) })).toHaveCount(0);
  await expect(field("head_holder")).toHaveValue(holder);

  await field("contact_phone").fill("+1 514 555 0100");
  await page.getByRole("button", { name: said("en", "register") }).click();
  await expect(page.getByRole("status").filter({ hasText: `of ${holder} registered: in force until` })).toBeVisible();
  const row = page.getByRole("row", { name: new RegExp(holder) });
  await expect(row).toContainText("NORTH MAPLE, Caribou");
  await expect(row).toContainText("6201, 64");
  await expect(row).toContainText("25,000.00 CAD");
  await expect(row).toContainText(said("en", "in_force"));

  // Renewed for two more years: the status names the new last day, and the row shows it.
  const before = (await row.textContent())!;
  await row.getByLabel(said("en", "renew_reason")).fill("Renewal asked by the rights holder");
  await row.getByRole("button", { name: said("en", "renew") }).click();
  const renewed = page.getByRole("status").filter({ hasText: `of ${holder} renewed: in force until` });
  await expect(renewed).toBeVisible();
  const until = (await renewed.textContent())!.match(/until (.+)\.$/)![1];
  await expect(row).toContainText(until);
  expect(before).not.toContain(until);

  // The register as the API reads it: the request, at version 2.
  const listed = await (await page.request.get("/api/v1/rights-requests")).json();
  const mine = listed.find((r: { rights_holder: string }) => r.rights_holder === holder);
  expect(mine.version).toBe(2);
  expect(mine.marks).toEqual(["NORTH MAPLE", "Caribou"]);
  expect(mine.security_cents).toBe(2_500_000);
});

test("an officer reads the register without its forms, and the page speaks French", async ({ browser }) => {
  const page = await personaPage(browser, "duty.yvr");
  await page.goto("/rights");
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(said("en", "title"));
  await expect(page.getByRole("button", { name: said("en", "register") })).toHaveCount(0);
  await expect(page.getByRole("button", { name: said("en", "renew") })).toHaveCount(0);

  const french = await personaPage(browser, "analyst.ntc");
  await french.context().addCookies([{ name: "lang", value: "fr", url: test.info().project.use.baseURL as string }]);
  await french.goto("/rights");
  await hydrated(french);
  await expect(french.locator("html")).toHaveAttribute("lang", "fr");
  await expect(french.getByRole("heading", { level: 1 })).toHaveText(said("fr", "title"));
  await expect(french.getByRole("heading", { level: 2 })).toContainText(said("fr", "register_heading"));
  await expect(french.getByLabel(said("fr", "security"), { exact: true })).toBeVisible();
});

test("goods naming a registered mark are detained for the rights holder, and their score names the request", async ({ browser }) => {
  const analyst = await personaPage(browser, "analyst.ntc");
  const register = await (await analyst.request.get("/api/v1/rights-requests")).json();
  const beaulieu = register.find((r: { rights_holder: string }) => r.rights_holder === "Maison Beaulieu SA");
  expect(beaulieu, "the demo's request for handbags").toBeTruthy();

  // Handbags of the mark, from Shanghai (a route the demo's rule lists), for a new importer.
  const importer = `Handbag Test Imports ${Date.now()}`;
  const admin = await personaPage(browser, "admin");
  const item = await declareMarkedHandbags(admin.request, importer);
  expect(item.lane).toBe("red");
  const detail = await (await analyst.request.get(`/api/v1/shipments/${item.shipment_id}`)).json();
  expect(detail.holds[0].reason).toBe("intellectual_property");

  await analyst.goto(`/shipments/${item.shipment_id}`);
  await hydrated(analyst);
  const score = analyst.getByRole("region", { name: "Risk score" });
  const line = score.getByRole("row").filter({ hasText: "Goods under a request for assistance" });
  await expect(line).toContainText(
    `Falls under request for assistance ${beaulieu.id} from Maison Beaulieu SA, in force until`,
  );
  await expect(line).toContainText("Marks named in the description: BEAULIEU.");
  // The explanation and its link pass the WCAG 2.2 AA rules axe checks (target size included).
  const axe = await new AxeBuilder({ page: analyst })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .include(".score-panel")
    .analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  await line.getByRole("link", { name: `Open request ${beaulieu.id} in the register` }).click();
  await expect(analyst).toHaveURL(new RegExp(`/rights#rfa-${beaulieu.id}$`));
  await expect(analyst.locator(`#rfa-${beaulieu.id}`)).toContainText("Maison Beaulieu SA");

  // In French, the same explanation in French words.
  await analyst.context().addCookies([{ name: "lang", value: "fr", url: test.info().project.use.baseURL! }]);
  await analyst.goto(`/shipments/${item.shipment_id}`);
  await hydrated(analyst);
  const french = analyst.getByRole("region", { name: "Cote de risque" });
  await expect(french.getByRole("row").filter({ hasText: "Goods under a request for assistance" })).toContainText(
    `Visée par la demande d’aide ${beaulieu.id} de Maison Beaulieu SA, en vigueur jusqu’au`,
  );
  await admin.context().close();
  await analyst.context().close();
});

test("an analyst drafts a rule on the register and tries it on the last 30 days", async ({ browser }) => {
  test.setTimeout(90_000);
  const analyst = await personaPage(browser, "analyst.ntc");
  await analyst.goto("/targeting");
  await hydrated(analyst);
  await analyst.getByLabel("Name", { exact: true }).fill(`Handbags under a request ${Date.now()}`);
  await analyst.getByLabel("Looks at").selectOption("rights_request");
  await expect(analyst.getByText("Fires when a declaration's description names a mark registered")).toBeVisible();
  const countries = analyst.getByRole("textbox", { name: "Countries", exact: true });
  await expect(countries).toHaveAccessibleDescription(/routes known for counterfeits/);
  // A country not given by its code is named in words, and nothing is tried.
  await countries.fill("China");
  await analyst.getByLabel("Weight").fill("40");
  await analyst.getByLabel("Reason (shown to officers)").fill("Counterfeit handbags come this way.");
  await analyst.getByLabel("Instructions for the examiner").fill("Compare with the request's genuine features.");
  await analyst.getByRole("button", { name: "Try on last 30 days" }).click();
  await expect(analyst.getByRole("alert")).toContainText("Countries:");
  await countries.fill("CN, HK");
  await analyst.getByRole("button", { name: "Try on last 30 days" }).click();
  const trial = analyst.getByRole("region", { name: "Trial on the last 30 days" });
  // The demo names registered brands on goods from those routes: the draft finds some.
  await expect(trial).toContainText(/Of [\d,]+ shipments declared, the draft fires on [1-9][\d,]* and would have selected [\d,]+\./);
  await analyst.context().close();
});
