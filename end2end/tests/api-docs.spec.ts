import { expect, test } from "@playwright/test";
import { hydrated } from "../support";

test("the API page, reached from the header, lists the operations from this server alone", async ({
  page,
  baseURL,
}) => {
  const origin = new URL(baseURL ?? "").origin;
  const elsewhere: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (["http:", "https:", "ws:", "wss:"].includes(url.protocol) && url.origin !== origin) {
      elsewhere.push(request.url());
    }
  });
  // A script or style the page policy blocks is reported on the console.
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));

  await page.goto("/");
  await hydrated(page);
  // In the account menu under the person's name.
  await page.locator(".usermenu > summary").click();
  await page.getByRole("link", { name: "API", exact: true }).click();
  await expect(page).toHaveURL(/\/api\/v1\/docs\/$/);

  const operations = page.locator(".opblock");
  // The page reads the whole document and draws every operation in the browser: about 7 s
  // alone on two cores here, more beside another worker, so this one wait is longer.
  await expect(operations.first()).toBeVisible({ timeout: 20_000 });
  expect(await operations.count()).toBeGreaterThanOrEqual(28);
  const release = page.locator(".opblock-post", { hasText: "/api/v1/holds/{id}/release" });
  await expect(release).toBeVisible();

  // Trying a call uses the session of the board: the page runs what it needs.
  const ports = page.locator(".opblock-get", { hasText: "/api/v1/ports" }).first();
  await ports.locator(".opblock-summary").click();
  await ports.getByRole("button", { name: "Try it out" }).click();
  await ports.getByRole("button", { name: "Execute" }).click();
  await expect(ports.locator(".live-responses-table tr.response .response-col_status").first()).toHaveText("200");

  expect(elsewhere).toEqual([]);
  expect(problems).toEqual([]);
});
