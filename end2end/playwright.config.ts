// End-to-end tests drive Debian's Chromium (Playwright cannot download browsers here) against
// a border-ops server started on a fresh SQLite file with the demo country, standing still (no
// simulator: the tests make their own changes and must not meet the simulated officers').
import { defineConfig } from "@playwright/test";
import * as os from "node:os";
import * as path from "node:path";

const port = Number(process.env.E2E_PORT ?? 3210);
// One file per port, removed before each run: fresh data, and nothing piles up.
const database = path.join(os.tmpdir(), `border-ops-e2e-${port}.db`);
const root = path.resolve(__dirname, "..");
// Relative to the repository root, like CARGO_TARGET_DIR.
const binary = path.resolve(root, process.env.BORDER_OPS_BIN ?? "target/debug/border-ops");

import { viewerState } from "./support";

export default defineConfig({
  testDir: "./tests",
  projects: [
    { name: "setup", testMatch: /.*\.setup\.ts/ },
    // Signed in once as the demo wall-screen viewer; tests about signing in start empty.
    {
      name: "chromium",
      dependencies: ["setup"],
      use: { storageState: viewerState },
    },
  ],
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `rm -f ${database}* && ${binary} serve --demo --no-sim`,
    cwd: root,
    url: `http://127.0.0.1:${port}/readyz`,
    timeout: 120_000,
    reuseExistingServer: !process.env.CI,
    env: {
      DATABASE_URL: `sqlite://${database}`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      RUST_LOG: "warn",
    },
  },
});
