import { expect, test, type Browser, type Page } from "@playwright/test";
import { hydrated, live, personaPage } from "../support";

// How the board shows itself: the colours a person chooses, motion for those who asked for
// less, what the live region says, and a header and pages that fit the window.
test.use({ storageState: { cookies: [], origins: [] } });

const LIGHT_BG = "rgb(238, 241, 244)";
const DARK_BG = "rgb(11, 16, 22)";
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

/** A new officer account made by the administrator: its username and password. */
async function newAccount(browser: Browser): Promise<{ username: string; password: string }> {
  const admin = await personaPage(browser, "admin");
  const username = `theme.${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
  const created = await admin.request.post("/rpc/create_account", {
    form: { username, display_name: "Rosalie Tremblay", badge: "", role: "officer", ports: "YUL" },
  });
  expect(created.status()).toBe(200);
  const issued = await created.json();
  await admin.context().close();
  return { username, password: issued.password };
}

async function signIn(page: Page, username: string, password: string) {
  await page.goto("/signin?next=%2Faccount");
  await hydrated(page);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
  // The address changes when the new page starts to arrive, before its stylesheet applies.
  await page.waitForLoadState("load");
}

test("Dark chosen on a light device stays dark after a reload and a new sign-in", async ({ browser }) => {
  const { username, password } = await newAccount(browser);
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    colorScheme: "light",
  });
  const page = await context.newPage();
  await signIn(page, username, password);
  await hydrated(page);
  expect(await background(page)).toBe(LIGHT_BG);

  const colours = page.getByRole("group", { name: "Colours of the board" });
  await expect(colours.getByLabel("Automatic")).toBeChecked();
  await colours.getByLabel("Dark").check();
  await page.getByRole("button", { name: "Save colours" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Colours saved." })).toBeVisible();
  // At once, without a reload.
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await background(page)).toBe(DARK_BG);

  await page.reload();
  expect(await background(page)).toBe(DARK_BG);
  await expect(page.getByRole("group", { name: "Colours of the board" }).getByLabel("Dark")).toBeChecked();
  // Interactive again before signing out: pressed before hydration, the button posts the plain
  // form, whose answer goes back to this page and from there to the sign-in page with `next`.
  await hydrated(page);

  // Signed out, the sign-in page follows the device; signed in again, the choice is back.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.waitForLoadState("load");
  expect(await background(page)).toBe(LIGHT_BG);
  await signIn(page, username, password);
  expect(await background(page)).toBe(DARK_BG);

  // "Automatic" follows the device again: dark device, dark page; light device, light page.
  await hydrated(page);
  await page.getByRole("group", { name: "Colours of the board" }).getByLabel("Automatic").check();
  await page.getByRole("button", { name: "Save colours" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "auto");
  expect(await background(page)).toBe(LIGHT_BG);
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await background(page)).toBe(DARK_BG);
  await context.close();
});

test("the colours are chosen without JavaScript too", async ({ browser }) => {
  const { username, password } = await newAccount(browser);
  const signedIn = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await signedIn.newPage();
  await signIn(page, username, password);
  const state = await signedIn.storageState();
  await signedIn.close();

  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    storageState: state,
    colorScheme: "dark",
    javaScriptEnabled: false,
  });
  const plain = await context.newPage();
  await plain.goto("/account");
  expect(await background(plain)).toBe(DARK_BG);
  await plain.getByRole("group", { name: "Colours of the board" }).getByLabel("Light").check();
  await plain.getByRole("button", { name: "Save colours" }).click();
  await expect(plain).toHaveURL(/\/account\??$/);
  await expect(plain.locator("html")).toHaveAttribute("data-theme", "light");
  expect(await background(plain)).toBe(LIGHT_BG);
  await context.close();
});

test("a changed row is highlighted without animation when the person asked for less motion", async ({
  browser,
}) => {
  for (const motion of ["no-preference", "reduce"] as const) {
    const supervisor = await personaPage(browser, "supervisor.yyz");
    await supervisor.emulateMedia({ reducedMotion: motion });
    await supervisor.goto("/inspections?port=YYZ&status=open");
    await live(supervisor);
    const holds = (await (await supervisor.request.get("/api/v1/holds?port=YYZ&per_page=1")).json()).items;
    const opened = await supervisor.request.post("/api/v1/inspections", {
      data: { hold_id: holds[0].id, kind: "document_review", priority: "urgent" },
    });
    expect(opened.status()).toBe(201);
    const row = supervisor.locator(`tr[data-inspection="${(await opened.json()).id}"]`);
    await expect(row).toHaveClass(/changed/, { timeout: 10_000 });
    const animation = await row.locator("td").first().evaluate((td) => {
      const style = getComputedStyle(td);
      return { name: style.animationName, duration: style.animationDuration, transition: style.transitionDuration };
    });
    if (motion === "reduce") {
      expect(animation).toEqual({ name: "none", duration: "0s", transition: "0s" });
    } else {
      expect(animation.name).toBe("row-changed");
    }
    await supervisor.context().close();
  }
});

test("the live region says a lost and returned connection, at most once every five seconds", async ({
  browser,
}) => {
  const officer = await personaPage(browser, "duty.yvr");
  // Every text the region shows, with when it showed it.
  await officer.addInitScript(() => {
    const said: { at: number; text: string }[] = [];
    (window as any).__said = said;
    new MutationObserver(() => {
      const text = document.getElementById("announcer")?.textContent?.trim() ?? "";
      if (text && said[said.length - 1]?.text !== text) said.push({ at: Date.now(), text });
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  // The first stream is refused (the connection is lost), the next one a second later is not.
  let streams = 0;
  await officer.route("**/api/v1/live**", async (route) => {
    streams += 1;
    if (streams === 1) await route.fulfill({ status: 502, body: "" });
    else await route.continue();
  });
  await officer.goto("/holds?port=YVR");
  await hydrated(officer);
  await expect(officer.locator("#announcer")).toHaveAttribute("role", "status");
  await expect(officer.locator("#announcer")).toContainText("connection to the board is lost");
  await live(officer);
  // Back within about a second, but said only when five seconds have passed since the loss.
  await expect(officer.locator("#announcer")).toContainText("connection to the board is back", {
    timeout: 10_000,
  });

  // Many changes in a short time: each row is not announced.
  const holds = (await (await officer.request.get("/api/v1/holds?port=YVR&per_page=10")).json()).items;
  for (const h of holds) {
    const noted = await officer.request.post(`/api/v1/shipments/${h.shipment_id}/notes`, {
      data: { text: `Checked at the dock ${Date.now()}` },
    });
    expect(noted.status()).toBe(201);
  }
  await officer.waitForTimeout(6_000);
  const said: { at: number; text: string }[] = await officer.evaluate(() => (window as any).__said);
  expect(said.map((s) => s.text)).toEqual([
    expect.stringContaining("lost"),
    expect.stringContaining("back"),
  ]);
  for (let n = 1; n < said.length; n++) {
    expect(said[n].at - said[n - 1].at).toBeGreaterThanOrEqual(4_900);
  }
  // The one live region of the page: the connection indicator itself is not one.
  await expect(officer.locator("[aria-live], [role=status], [role=alert]")).toHaveCount(1);
  await officer.context().close();
});

// Each persona's header, in both languages, at 1,280 px: one row, and no page wider than the
// window.
const personas = ["viewer", "duty.yvr", "supervisor.yyz", "analyst.ntc", "admin"];
const everyPage = [
  "/",
  "/holds",
  "/inspections?status=all",
  "/ports/YYZ",
  "/handover?port=YYZ",
  "/targeting",
  "/import",
  "/account",
  "/account/sessions",
  "/admin/accounts",
];

for (const language of ["en", "fr"]) {
  for (const persona of personas) {
    test(`${persona}'s header holds on one row and no page is wider than 1,280 px (${language})`, async ({
      browser,
    }) => {
      test.setTimeout(90_000);
      const page = await personaPage(browser, persona);
      await page.context().addCookies([{ name: "lang", value: language, url: test.info().project.use.baseURL! }]);
      await page.setViewportSize({ width: 1280, height: 800 });
      const holds = await (await page.request.get("/api/v1/holds?status=seized&per_page=1")).json();
      for (const path of [...everyPage, `/shipments/${holds.items[0].shipment_id}`]) {
        await page.goto(path);
        await expect(page.locator("html")).toHaveAttribute("lang", language);
        const header = await page.locator("header.topbar").evaluate((bar) => {
          const boxes = [...bar.children].map((c) => c.getBoundingClientRect()).filter((r) => r.height > 0);
          return {
            height: bar.getBoundingClientRect().height,
            oneRow: boxes.every((r) => boxes.every((o) => r.top < o.bottom && o.top < r.bottom)),
          };
        });
        expect(header.oneRow, `${path}: the header's parts on one row`).toBe(true);
        expect(header.height, `${path}: the header's height`).toBeLessThan(72);
        const width = await page.evaluate(() => ({
          page: document.documentElement.scrollWidth,
          window: window.innerWidth,
        }));
        expect(width.page, `${path} is no wider than the window`).toBeLessThanOrEqual(width.window);
      }
      await page.context().close();
    });
  }
}

test("at 800 px wide tables scroll in their own box, not the page", async ({ browser }) => {
  const page = await personaPage(browser, "analyst.ntc");
  await page.setViewportSize({ width: 800, height: 900 });
  for (const path of ["/holds", "/inspections?status=all", "/targeting"]) {
    await page.goto(path);
    const measured = await page.evaluate(() => {
      const tables = [...document.querySelectorAll("main table")];
      const scrollers = tables.map((t) => {
        let box: HTMLElement | null = t as HTMLElement;
        while (box && box !== document.body) {
          if (box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX === "auto") return true;
          box = box.parentElement;
        }
        return false;
      });
      return {
        page: document.documentElement.scrollWidth,
        window: window.innerWidth,
        tables: tables.length,
        scrolling: scrollers.filter(Boolean).length,
      };
    });
    expect(measured.tables, `${path} has tables`).toBeGreaterThan(0);
    expect(measured.page, `${path} is no wider than the window`).toBeLessThanOrEqual(measured.window);
    expect(measured.scrolling, `${path}: a table wider than the window scrolls in its own box`).toBeGreaterThan(0);
  }
  await page.context().close();
});
