import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { hydrated, personaPage } from "../support";

test.use({ storageState: { cookies: [], origins: [] } });

// The test server stands still (no simulator), so the simulator's accounts are made the way an
// operator would, with the command line, on the server's own database (see the configuration).
const port = Number(process.env.E2E_PORT ?? 3210);
const root = path.resolve(__dirname, "..", "..");
const binary = path.resolve(root, process.env.BORDER_OPS_BIN ?? "target/debug/border-ops");
const database = path.join(os.tmpdir(), `border-ops-e2e-${port}.db`);

function simulatedAccount(username: string, displayName: string) {
  try {
    execFileSync(
      binary,
      ["user", "add", "--username", username, "--role", "viewer", "--display-name", displayName],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: `sqlite://${database}`, RUST_LOG: "warn" },
        stdio: "pipe",
      },
    );
  } catch (error: any) {
    // Made by an earlier run against the same server.
    if (!String(error.stderr ?? "").includes("is taken")) throw error;
  }
}

test("the accounts page lists people first, folds the simulated accounts away and searches", async ({
  browser,
}) => {
  simulatedAccount("sim.officer.e2e", "Simulated officer — E2E");
  simulatedAccount("sim.waits.e2e", "Simulated border-wait feed (E2E)");
  const page = await personaPage(browser, "admin");
  await page.goto("/admin/accounts");
  await hydrated(page);

  // The first rows are people; the simulated accounts are folded away under their count.
  const people = page.locator("table.accounts").first();
  const usernames = await people.locator("tbody tr td:first-child").allTextContents();
  expect(usernames.length).toBeGreaterThan(2);
  expect(usernames.filter((u) => u.startsWith("sim."))).toEqual([]);
  expect(usernames).toContain("admin");
  const folded = page.locator("details.simulated-accounts");
  await expect(folded).not.toHaveAttribute("open", /.*/);
  await expect(folded.locator("summary")).toHaveText(/^\d+ simulated accounts?$/);
  const simulatedCell = folded.getByRole("cell", { name: "sim.officer.e2e", exact: true });
  await expect(simulatedCell).toBeHidden();
  await folded.locator("summary").click();
  await expect(simulatedCell).toBeVisible();

  // Typing narrows both lists at once.
  const search = page.getByLabel("Find an account by name or username");
  await search.fill("E2E");
  await expect(page.getByText("No account of a person matches this search.")).toBeVisible();
  await expect(folded.locator("summary")).toHaveText("2 simulated accounts");
  await expect(folded.locator("tbody tr")).toHaveCount(2);
  await search.fill("system admin");
  await expect(people.locator("tbody tr td:first-child")).toHaveText(["admin"]);
  await expect(folded).toHaveCount(0);

  // Without JavaScript the search is a plain form: ?q= in the address.
  const plain = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    javaScriptEnabled: false,
    storageState: await page.context().storageState(),
  });
  const noScript = await plain.newPage();
  await noScript.goto("/admin/accounts");
  await noScript.getByLabel("Find an account by name or username").fill("officer.e2e");
  await noScript.getByRole("button", { name: "Search", exact: true }).click();
  await expect(noScript).toHaveURL(/\/admin\/accounts\?q=officer\.e2e$/);
  await expect(noScript.locator("details.simulated-accounts summary")).toHaveText(
    "1 simulated account",
  );
  await expect(noScript.getByRole("cell", { name: "sim.officer.e2e", exact: true })).toBeVisible();
  await expect(noScript.getByText("No account of a person matches this search.")).toBeVisible();
  await plain.close();
});
