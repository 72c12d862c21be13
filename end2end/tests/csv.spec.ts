import { expect, test, type Page } from "@playwright/test";
import { hydrated, parseCsv } from "../support";

/** The download link's file, fetched with the page's own session, as objects by column. */
async function linkedCsv(page: Page): Promise<{ href: string; rows: Record<string, string>[] }> {
  const link = page.getByRole("link", { name: "Download CSV" });
  const href = (await link.getAttribute("href")) ?? "";
  const response = await page.request.get(href);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  expect(response.headers()["content-disposition"]).toMatch(/^attachment; filename="[a-z]+-\d{4}-\d\d-\d\dT\d{4}Z\.csv"$/);
  const [header, ...rows] = parseCsv(await response.text());
  return {
    href,
    rows: rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]]))),
  };
}

test("the holds page's CSV carries its filter and the rows the table shows", async ({ page }) => {
  // The oldest holds of one port first: other tests add holds, which come after.
  await page.goto("/holds?port=YYZ&status=all&sort=port&per_page=20");
  await hydrated(page);
  const link = page.getByRole("link", { name: "Download CSV" });
  await expect(link).toBeVisible();
  // Reached from the filter form by the keyboard, its focus shown.
  await page.getByRole("link", { name: "Reset" }).focus();
  await page.keyboard.press("Tab");
  await expect(link).toBeFocused();
  expect(await link.evaluate((a) => getComputedStyle(a).outlineStyle)).toBe("solid");

  await expect(async () => {
    await page.reload();
    const shown = await page
      .locator("table.holds tbody tr[data-hold]")
      .evaluateAll((rows) =>
        rows.map((r) => ({
          id: r.getAttribute("data-hold"),
          reference: r.querySelector("a.shipment-link")?.textContent?.trim(),
          port: r.querySelector("td a[href^='/ports/']")?.textContent?.trim(),
        })),
      );
    expect(shown.length).toBe(20);
    const { href, rows } = await linkedCsv(page);
    // The page's filter, every page of it (no paging), as CSV.
    const query = new URLSearchParams(href.split("?")[1]);
    expect(href.startsWith("/api/v1/holds?")).toBe(true);
    expect(query.get("port")).toBe("YYZ");
    expect(query.get("status")).toBe("all");
    expect(query.get("sort")).toBe("port");
    expect(query.get("format")).toBe("csv");
    expect(query.has("per_page")).toBe(false);
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.every((r) => r.port_code === "YYZ")).toBe(true);
    expect(
      rows.slice(0, shown.length).map((r) => ({ id: r.id, reference: r.shipment_reference, port: r.port_code })),
    ).toEqual(shown);
  }).toPass({ timeout: 20_000 });
});

test("the queue's CSV carries its filter and the rows the table shows", async ({ page }) => {
  await page.goto("/inspections?port=YVR&status=all");
  await hydrated(page);
  await expect(async () => {
    await page.reload();
    const shown = await page
      .locator("table.inspections tbody tr[data-inspection]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-inspection")));
    expect(shown.length).toBeGreaterThan(0);
    const { href, rows } = await linkedCsv(page);
    const query = new URLSearchParams(href.split("?")[1]);
    expect(href.startsWith("/api/v1/inspections?")).toBe(true);
    expect(query.get("port")).toBe("YVR");
    expect(query.get("status")).toBe("all");
    expect(query.get("format")).toBe("csv");
    expect(rows.every((r) => r.port_code === "YVR")).toBe(true);
    expect(rows.slice(0, shown.length).map((r) => r.id)).toEqual(shown);
  }).toPass({ timeout: 20_000 });
});
