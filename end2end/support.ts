// Shared by the configuration and the tests.
import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import * as path from "node:path";

/** Storage state of the demo wall-screen viewer, written by the setup project. */
export const viewerState = path.join(__dirname, ".auth", "viewer.json");

/** Resolves once the WASM bundle has hydrated the page (client-side navigation works). */
export async function hydrated(page: Page) {
  try {
    await page.waitForFunction(() => (window as any).__bocHydrated === true, null, {
      timeout: 45_000,
    });
  } catch (error) {
    // Say why: a panic during hydration shows up here, not as a timeout.
    const errors = (await page.pageErrors()).map((e) => `page error: ${e.message}`);
    const console = (await page.consoleMessages())
      .filter((m) => m.type() === "error" || m.type() === "warning")
      .map((m) => `console ${m.type()}: ${m.text()}`);
    throw new Error(`the page did not hydrate\n${[...errors, ...console].join("\n")}\n${error}`);
  }
}

/** Resolves once the page has hydrated and its live stream is connected. */
export async function live(page: Page) {
  await hydrated(page);
  await expect(page.locator(".live-indicator")).toHaveAttribute("data-connection", "live", {
    timeout: 10_000,
  });
}

/** Whether the element has `name` among its classes now (no waiting). */
export async function hasClass(locator: Locator, name: string): Promise<boolean> {
  return ((await locator.getAttribute("class")) ?? "").split(/\s+/).includes(name);
}

/** A browser of its own, signed in as a demo persona (on the test server, or on `baseURL`). */
export async function personaPage(browser: Browser, username: string, baseURL?: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseURL ?? test.info().project.use.baseURL,
    storageState: { cookies: [], origins: [] },
  });
  const page = await context.newPage();
  const signed = await page.request.post("/rpc/demo_sign_in", { form: { username } });
  expect(signed.status()).toBe(200);
  return page;
}
