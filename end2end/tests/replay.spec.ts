import { expect, test, type Page } from "@playwright/test";
import { hydrated, ownAccount, ownHold, signedOut } from "../support";

// The board at a past moment (`?at=`): the banner, read-only pages, links that keep the
// moment, the time control with and without JavaScript, playback, French, and the same
// figures as the live page showed at that moment.

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
const banner = (page: Page) => page.locator("section.replay-banner");
const shownTime = (page: Page) => banner(page).locator(".replay-when time");
/** Buttons in the page that are not the replay's own nor a filter form's. */
const actionButtons = (page: Page) =>
  page.locator("main button:not(.replay-banner button):not(form.filters button)");

test("a replay of the last hour is marked, read-only, and its links keep the moment", async ({
  browser,
  page,
}) => {
  test.setTimeout(90_000);
  const at = hourAgo();
  await page.goto(`/?at=${at}`);
  await expect(banner(page)).toContainText("Replay — the board as it was at");
  await expect(banner(page)).toContainText("Read-only");
  await expect(shownTime(page)).toHaveAttribute("datetime", at.replace("Z", "+00:00"));
  // Back to live is the same page without the moment.
  await expect(banner(page).getByRole("link", { name: "Back to live" })).toHaveAttribute("href", "/");

  // Overview → port keeps `at`, through the router.
  await hydrated(page);
  // The header does not say "Live" over a past moment.
  await expect(page.locator(".live-indicator")).toHaveAttribute("data-connection", "replay");
  await expect(page.locator(".live-indicator")).toHaveText("Replay · not live");
  const tileLink = page.locator('article.tile[data-port="YVR"] a.tile-title');
  await expect(tileLink).toHaveAttribute("href", `/ports/YVR?at=${encodeURIComponent(at)}`);
  await tileLink.click();
  await expect(page).toHaveURL(new RegExp(`/ports/YVR\\?at=${encodeURIComponent(at)}$`));
  await expect(banner(page)).toContainText("Replay — the board as it was at");
  // The map's markers keep it too.
  await page.goto(`/map?at=${at}`);
  await expect(page.locator('svg a.map-marker[data-port="YYZ"]')).toHaveAttribute(
    "href",
    `/ports/YYZ?at=${encodeURIComponent(at)}`,
  );

  // A supervisor of the port sees its operations live, and nothing to act with in a replay.
  const { page: supervisor } = await ownAccount(browser, "supervisor", "YVR");
  try {
    await supervisor.goto("/ports/YVR");
    await expect(supervisor.getByRole("button", { name: "Set status" })).toBeVisible();
    expect(await actionButtons(supervisor).count()).toBeGreaterThan(0);
    await supervisor.goto(`/ports/YVR?at=${at}`);
    await expect(banner(supervisor)).toBeVisible();
    await expect(supervisor.locator("section.totals")).toBeVisible();
    await expect(actionButtons(supervisor)).toHaveCount(0);
    await expect(supervisor.locator("main form:not(.filters):not(.replay-control)")).toHaveCount(0);

    // The holds page: rows of that moment, each shipment's link at the moment, no actions.
    await supervisor.goto(`/holds?port=YVR&at=${at}`);
    await expect(banner(supervisor)).toBeVisible();
    const link = supervisor.locator("table.holds a.shipment-link").first();
    await expect(link).toHaveAttribute("href", new RegExp(`^/shipments/\\d+\\?at=${encodeURIComponent(at)}$`));
    await expect(actionButtons(supervisor)).toHaveCount(0);
    await hydrated(supervisor);
    await link.click();
    await expect(supervisor).toHaveURL(/\/shipments\/\d+\?at=/);
    await expect(banner(supervisor)).toBeVisible();
    await expect(actionButtons(supervisor)).toHaveCount(0);
    await expect(supervisor.locator("form.note-form")).toHaveCount(0);

    // The queue: no claim, no assign, no workload of now.
    await supervisor.goto(`/inspections?port=YVR&at=${at}`);
    await expect(banner(supervisor)).toBeVisible();
    await expect(actionButtons(supervisor)).toHaveCount(0);
    await expect(supervisor.locator(".workload-panel")).toHaveCount(0);
  } finally {
    await supervisor.context().close();
  }
});

test("a moment that cannot be shown is refused in the banner and nothing else is shown", async ({
  page,
}) => {
  for (const [at, words] of [
    ["yesterday", "is not a date and time"],
    ["2099-01-01T00:00:00Z", "in the future"],
    ["2001-01-01T00:00:00Z", "before the journal begins"],
  ]) {
    const response = await page.goto(`/?at=${at}`);
    expect(response?.status()).toBe(422);
    await expect(banner(page).locator(".replay-refused")).toContainText(words);
    await expect(page.locator("article.tile")).toHaveCount(0);
    await expect(page.locator("section.totals")).toHaveCount(0);
    // Nothing to play from; the way back to live stays.
    await hydrated(page);
    await expect(banner(page).getByRole("button", { name: "Play" })).toBeHidden();
    await expect(banner(page).getByRole("link", { name: "Back to live" })).toBeVisible();
  }
});

test("the time control shows the moment typed, in the browser's zone once interactive", async ({
  page,
}) => {
  await page.goto("/");
  await hydrated(page);
  const control = page.locator("details.replay-open");
  await control.locator("summary").click();
  // Two hours ago, to the minute, as the browser writes it in its own zone.
  const [local, instant] = await page.evaluate(() => {
    const t = new Date(Date.now() - 2 * 3_600_000);
    t.setSeconds(0, 0);
    const pad = (n: number) => String(n).padStart(2, "0");
    const local = `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}T${pad(t.getHours())}:${pad(t.getMinutes())}`;
    return [local, t.toISOString()];
  });
  await control.getByLabel("Show the board as it was at").fill(local);
  await control.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/\?at=.*&tz=/);
  const shown = await shownTime(page).getAttribute("datetime");
  expect(new Date(shown ?? "").toISOString()).toBe(instant);
});

test("without JavaScript the time control reads the time in the page's zone", async ({ browser }) => {
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    javaScriptEnabled: false,
    storageState: test.info().project.use.storageState as string,
  });
  try {
    const page = await context.newPage();
    await page.goto("/ports/YVR?at=" + hourAgo());
    const control = banner(page).locator("form.replay-control");
    await expect(control.locator('input[name="tz"]')).toHaveValue("America/Vancouver");
    // Playback needs the page's code: without it there is no button that would do nothing.
    await expect(banner(page).getByRole("button", { name: "Play" })).toBeHidden();
    await expect(banner(page).getByRole("link", { name: "Back to live" })).toBeVisible();
    // Three hours ago, to the minute, as a clock in Vancouver reads it.
    const t = new Date(Date.now() - 3 * 3_600_000);
    t.setSeconds(0, 0);
    const vancouver = new Intl.DateTimeFormat("sv-SE", {
      timeZone: "America/Vancouver",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    })
      .format(t)
      .replace(" ", "T");
    await control.getByLabel("Show the board as it was at").fill(vancouver);
    await control.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/\/ports\/YVR\?at=.*&tz=America%2FVancouver/);
    const shown = await shownTime(page).getAttribute("datetime");
    expect(new Date(shown ?? "").toISOString()).toBe(t.toISOString());
    await expect(shownTime(page)).toContainText(`${vancouver.slice(11)} P`);
  } finally {
    await context.close();
  }
});

test("playback moves the moment on at its speed and pause stops it", async ({ page }) => {
  const at = hourAgo();
  await page.goto(`/?at=${at}`);
  await hydrated(page);
  const playback = banner(page).getByRole("group", { name: "Playback" });
  await playback.getByLabel("Speed").selectOption("600");
  const first = await shownTime(page).getAttribute("datetime");
  await playback.getByRole("button", { name: "Play" }).click();
  await expect(playback.getByRole("button", { name: "Pause" })).toBeVisible();
  // Ten minutes of the board a second: the time shown moves within a few seconds.
  await expect(shownTime(page)).not.toHaveAttribute("datetime", first ?? "", { timeout: 5_000 });
  await expect(page).toHaveURL(/\/\?at=\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\dZ$/);
  expect(new URL(page.url()).searchParams.get("at")).not.toBe(at);
  await playback.getByRole("button", { name: "Pause" }).click();
  await expect(playback.getByRole("button", { name: "Play" })).toBeVisible();
  // A read already under way may land: let it, then two readings two seconds apart agree.
  await page.waitForTimeout(1_500);
  const paused = await shownTime(page).textContent();
  const pausedUrl = page.url();
  await page.waitForTimeout(2_000);
  expect(await shownTime(page).textContent()).toBe(paused);
  expect(page.url()).toBe(pausedUrl);
  expect(new Date(new URL(pausedUrl).searchParams.get("at") ?? "").getTime()).toBeGreaterThan(
    new Date(at).getTime(),
  );
});

test("playback stops at the present and offers the live board", async ({ page }) => {
  // A minute ago at ×3600: the present within a second or two.
  const at = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, "Z");
  await page.goto(`/?at=${at}`);
  await hydrated(page);
  const playback = banner(page).getByRole("group", { name: "Playback" });
  await playback.getByLabel("Speed").selectOption("3600");
  await playback.getByRole("button", { name: "Play" }).click();
  await expect(playback).toContainText("Playback has reached the present", { timeout: 5_000 });
  await expect(playback.getByRole("button", { name: "Play" })).toBeVisible();
  await expect(banner(page).getByRole("link", { name: "Back to live" })).toBeVisible();
  await expect(banner(page).locator(".replay-refused")).toHaveCount(0);
});

test("the banner is French in French", async ({ browser }) => {
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    storageState: test.info().project.use.storageState as string,
  });
  await context.addCookies([{ name: "lang", value: "fr", url: test.info().project.use.baseURL as string }]);
  try {
    const page = await context.newPage();
    await page.goto(`/?at=${hourAgo()}`);
    // The playback's buttons are the browser's: they appear once the page has hydrated, which
    // takes its time beside the rest of the suite.
    await hydrated(page);
    await expect(banner(page)).toContainText("Relecture — le tableau tel qu’il était à");
    await expect(shownTime(page)).toContainText(/\d\d\u00a0h\u00a0\d\d HN?E/);
    await expect(banner(page).getByRole("link", { name: "Revenir au direct" })).toBeVisible();
    await expect(banner(page).getByRole("button", { name: "Lire" })).toBeVisible();
    await expect(banner(page)).not.toContainText("Replay");
  } finally {
    await context.close();
  }
});

test("a port's page replayed at a moment shows the figures it showed then", async ({ browser, page }) => {
  // A port of the test's own: no other test changes its work.
  const port = "YWG";
  await page.goto(`/ports/${port}`);
  const figures = page.locator("section.totals");
  await expect(figures).toBeVisible();
  const then = (await figures.textContent()) ?? "";
  const at = new Date().toISOString();
  // Something changes: a hold is placed there.
  const { page: supervisor } = await ownAccount(browser, "supervisor", port);
  try {
    await ownHold(supervisor.request, port);
  } finally {
    await supervisor.context().close();
  }
  await page.goto(`/ports/${port}`);
  await expect(figures).not.toHaveText(then);
  // The replay at the moment noted shows what the live page showed.
  await page.goto(`/ports/${port}?at=${encodeURIComponent(at)}`);
  await expect(banner(page)).toBeVisible();
  await expect(figures).toHaveText(then);
});

test.describe("signed out", () => {
  test.use({ storageState: signedOut });
  test("a replay is not shown to someone signed out", async ({ page }) => {
    await page.goto(`/?at=${hourAgo()}`);
    await expect(page.locator("article.tile")).toHaveCount(0);
    await expect(page.locator(".replay-when")).toHaveCount(0);
  });
});
