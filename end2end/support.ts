// Shared by the configuration and the tests.
import type { Page } from "@playwright/test";
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
