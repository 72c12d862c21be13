import { expect, test } from "@playwright/test";
import { hydrated, personaPage } from "../support";

/** A new air waybill with its check digit (the 999 prefix is the test's own airline). */
function airWaybill(): string {
  const serial = 1_000_000 + Math.floor(Math.random() * 8_999_999);
  return `999-${serial}${serial % 7}`;
}

/** A full declaration of laptops shipped by `shipper` from Lyon to `port`, as a carrier sends it. */
function laptops(shipper: string, port: string, importer: string) {
  return {
    mode: "air",
    reference: airWaybill(),
    carrier: "AC",
    voyage: "AC 100",
    origin_country: "FR",
    origin_location: "CDG",
    port_code: port,
    shipper_name: shipper,
    shipper_address: "Gerland, Lyon, FR",
    consignee_name: importer,
    consignee_address: "1 Test St",
    importer_name: importer,
    hs_code: "8471.30",
    description: "Laptop computers",
    pieces: 3,
    weight_kg: 40,
    declared_value: 20000,
    eta: new Date(Date.now() + 86_400_000).toISOString(),
  };
}

// An analyst drafts an intelligence-alert rule, tries it on the last 30 days, and creates it
// enabled; a declaration naming the party is then sent through the API and its shipment page
// explains the score with the new rule's reason.
test("an analyst's new rule scores the next declaration, and the shipment page says why", async ({
  browser,
}) => {
  // Two sign-ins, two trials over 30 days of the country, a declaration and two pages: 12 s
  // on an idle machine, over 30 s beside the rest of the suite on two cores.
  test.setTimeout(90_000);
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const name = `Alert ${stamp}`;
  const party = `Quetzal Trading ${stamp}`;
  const reason = `Named in intelligence alert INT-${stamp}`;

  const analyst = await personaPage(browser, "analyst.ntc");
  await analyst.goto("/targeting");
  await hydrated(analyst);
  await expect(analyst.getByRole("heading", { name: "Targeting rules" })).toBeVisible();

  await analyst.getByLabel("Name", { exact: true }).fill(name);
  await analyst.getByLabel("Looks at").selectOption("intelligence");
  await analyst.getByLabel("Party named in the alert").fill(party);
  await analyst.getByLabel("Alert reference").fill(`INT-${stamp}`);
  await analyst.getByLabel("Weight").fill("70");
  await analyst.getByLabel("Examination asked for").selectOption("physical");
  await analyst.getByLabel("Reason (shown to officers)").fill(reason);
  await analyst.getByLabel("Instructions for the examiner").fill("Open every carton; photograph the labels");

  // A bad field is named in words and nothing is saved.
  await analyst.getByLabel("Weight").fill("500");
  await analyst.getByRole("button", { name: "Try on last 30 days" }).click();
  await expect(analyst.getByRole("alert")).toContainText("Weight: a weight is a whole number from 1 to 100");
  await analyst.getByLabel("Weight").fill("70");

  await analyst.getByRole("button", { name: "Try on last 30 days" }).click();
  const trial = analyst.getByRole("region", { name: "Trial on the last 30 days" });
  await expect(trial).toContainText(/Of [\d,]+ shipments declared, the draft fires on 0 and would have selected 0\./);
  const days = trial.getByRole("table", { name: "Selected per day" }).getByRole("row");
  // A header and every day of the period, each with its count.
  expect(await days.count()).toBeGreaterThanOrEqual(31);
  await expect(days.nth(1).getByRole("cell")).toHaveText("0");

  await analyst.getByRole("button", { name: "Create and enable" }).click();
  await expect(analyst.getByRole("status").filter({ hasText: `"${name}" saved as version 1` })).toBeVisible();
  const row = analyst.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Enabled");
  await expect(row).toContainText("v1");

  // A declaration naming the party, sent through the API by an administrator's session.
  const admin = await personaPage(browser, "admin");
  const sent = await admin.request.post("/api/v1/shipments", {
    data: laptops(party, "YYZ", "Maple Test Imports"),
  });
  expect(sent.status(), await sent.text()).toBe(201);
  const item = await sent.json();
  expect(item.lane).toBe("red");

  await analyst.goto(`/shipments/${item.shipment_id}`);
  const score = analyst.getByRole("region", { name: "Risk score" });
  await expect(score).toContainText("Red: examination");
  const line = score.getByRole("row").filter({ hasText: name });
  await expect(line).toContainText(reason);
  await expect(line).toContainText("+70");
  await expect(line).toContainText("Open every carton; photograph the labels");
  // The examination it asked for is on the board.
  await expect(analyst.getByRole("heading", { name: "Inspections" })).toBeVisible();
  await admin.context().close();
  await analyst.context().close();
});

// A manifest uploaded from the browser: its good rows are stored and scored, the bad one is
// reported by line, field and reason.
test("a manifest upload reports each refused row and keeps the good ones", async ({ browser }) => {
  const admin = await personaPage(browser, "admin");
  await admin.goto("/import");
  await hydrated(admin);
  const eta = new Date(Date.now() + 86_400_000).toISOString();
  const row = (reference: string, port: string) =>
    `air,${reference},AC,AC 100,FR,CDG,${port},Lyon Pharma SA,"Gerland, Lyon",Csv Importer,Halifax,Csv Importer,847130,Laptops,2,30,15000,${eta}`;
  const csv = [
    "mode,reference,carrier,voyage,origin_country,origin_location,port_code,shipper_name,shipper_address,consignee_name,consignee_address,importer_name,hs_code,description,pieces,weight_kg,declared_value,eta",
    row(airWaybill(), "YHZ"),
    row(airWaybill(), "NOPE"),
    row(airWaybill(), "YHZ"),
  ].join("\n");
  await admin.getByLabel("CSV file").setInputFiles({
    name: "manifest.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv),
  });
  await admin.getByRole("button", { name: "Upload" }).click();
  const report = admin.locator(".import-report");
  await expect(report.getByRole("heading", { name: "Report" })).toBeVisible();
  await expect(report.locator("dt", { hasText: "Rows read" }).locator("+ dd")).toHaveText("3");
  await expect(report.locator("dt", { hasText: "Accepted (new)" }).locator("+ dd")).toHaveText("2");
  await expect(report.locator("dt", { hasText: "Refused" }).locator("+ dd")).toHaveText("1");
  const refused = admin.getByRole("table", { name: "Refused rows" }).getByRole("row");
  await expect(refused).toHaveCount(2);
  // The header is line 1: the bad row is line 3, refused for its port.
  await expect(refused.nth(1).getByRole("rowheader")).toHaveText("3");
  await expect(refused.nth(1)).toContainText("port_code");
});

// An analyst edits a rule into a new version, reads its history, and disables it with a
// reason: the declaration before the switch is scored by version 2, the one after by nothing
// of that rule.
test("an edited rule scores with its new version, and a disabled rule scores nothing", async ({
  browser,
}) => {
  // Two personas, two rule edits, two declarations and two shipment pages: under the whole
  // suite's load on two cores this has taken more than the default 30 s.
  test.setTimeout(60_000);
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const name = `Watch ${stamp}`;
  const party = `Zephyr Freight ${stamp}`;
  const analyst = await personaPage(browser, "analyst.ntc");
  const created = await analyst.request.post("/api/v1/targeting/rules", {
    data: {
      name,
      indicator: { kind: "intelligence", party, reference: `INT-${stamp}` },
      weight: 70,
      reason: `Named in intelligence alert INT-${stamp}`,
      instructions: "Open every carton",
      inspection: "physical",
    },
  });
  expect(created.status(), await created.text()).toBe(201);

  await analyst.goto("/targeting");
  await hydrated(analyst);
  const row = analyst.locator("tr[data-rule]").filter({ hasText: name });
  await expect(row).toContainText("v1");
  await analyst.getByRole("button", { name: `Edit ${name}` }).click();
  await expect(analyst.getByLabel("Name", { exact: true })).toHaveValue(name);
  await analyst.getByLabel("Weight").fill("40");
  const reweighed = `Reweighed after review ${stamp}`;
  await analyst.getByLabel("Reason (shown to officers)").fill(reweighed);
  await analyst.getByRole("button", { name: "Save new version" }).click();
  await expect(analyst.getByRole("status").filter({ hasText: `"${name}" saved as version 2` })).toBeVisible();
  await expect(row).toContainText("v2");

  await analyst.getByRole("button", { name: `Versions of ${name}` }).click();
  const history = analyst.locator(".history");
  await expect(history.getByRole("heading")).toHaveText(`Versions of "${name}"`);
  await expect(history.getByRole("row").filter({ hasText: "v1" })).toContainText("70");
  await expect(history.getByRole("row").filter({ hasText: "v2" })).toContainText(reweighed);

  // Declarations come from outside the targeting centre (the admin stands in for a carrier).
  const admin = await personaPage(browser, "admin");
  const declare = async () => {
    const sent = await admin.request.post("/api/v1/shipments", {
      data: laptops(party, "YHZ", "Maritime Test Imports"),
    });
    expect(sent.status(), await sent.text()).toBe(201);
    return (await sent.json()).shipment_id;
  };
  const scoredByV2 = await declare();

  await analyst.getByRole("button", { name: `Disable ${name}`, exact: true }).click();
  const form = analyst.getByRole("form", { name: `Disable ${name}` });
  await form.getByLabel("Reason", { exact: true }).fill("False positives on a legitimate forwarder");
  await form.getByRole("button", { name: "Disable", exact: true }).click();
  await expect(analyst.getByRole("status").filter({ hasText: `"${name}" is disabled.` })).toBeVisible();
  await expect(row).toContainText("Disabled");
  const afterDisabling = await declare();

  await analyst.goto(`/shipments/${scoredByV2}`);
  const line = analyst.getByRole("region", { name: "Risk score" }).getByRole("row").filter({ hasText: name });
  await expect(line).toContainText("+40");
  await expect(line).toContainText("v2");
  await expect(line).toContainText(reweighed);

  await analyst.goto(`/shipments/${afterDisabling}`);
  const score = analyst.getByRole("region", { name: "Risk score" });
  await expect(score).toBeVisible();
  await expect(score.getByRole("row").filter({ hasText: name })).toHaveCount(0);
  await admin.context().close();
  await analyst.context().close();
});
