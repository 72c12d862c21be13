import { expect, test, type Page } from "@playwright/test";
import { hydrated } from "../support";

// Every test here starts signed out and signs in the way a person does.
test.use({ storageState: { cookies: [], origins: [] } });

async function signInAs(page: Page, persona: RegExp) {
  await page.goto("/signin");
  await expect(page.getByRole("note")).toContainText("Demo");
  await hydrated(page);
  await page.getByRole("button", { name: persona }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator(".userbox")).toBeVisible();
}

/** A shipment with a hold at `port`, found through the API as the signed-in account. */
async function shipmentAt(page: Page, port: string): Promise<number> {
  const response = await page.request.get(`/api/v1/holds?port=${port}&status=all&per_page=1`);
  expect(response.status()).toBe(200);
  return (await response.json()).items[0].shipment_id;
}

const notes = (page: Page) => page.getByRole("textbox", { name: "Add a note" });

test("a duty officer adds notes at their port only, and sees no administration", async ({
  page,
}) => {
  await signInAs(page, /duty officer/);
  await expect(page.locator(".userbox")).toContainText("Duty officer · YVR");
  await expect(page.getByRole("link", { name: "Accounts" })).toHaveCount(0);

  await page.goto(`/shipments/${await shipmentAt(page, "YVR")}`);
  await hydrated(page);
  await notes(page).fill("Seal number matches the manifest.");
  await page.getByRole("button", { name: "Add note" }).click();
  const timeline = page.getByRole("list", { name: "Timeline" });
  await expect(timeline).toContainText("Seal number matches the manifest.");
  await expect(timeline).toContainText("by duty.yvr");

  await page.goto(`/shipments/${await shipmentAt(page, "YYZ")}`);
  await expect(page.getByRole("heading", { level: 2, name: "Timeline" })).toBeVisible();
  await expect(notes(page)).toHaveCount(0);
});

test("a supervisor acts at their own port, not another's", async ({ page }) => {
  await signInAs(page, /supervisor/);
  await expect(page.locator(".userbox")).toContainText("Supervisor · YYZ");
  await page.goto(`/shipments/${await shipmentAt(page, "YYZ")}`);
  await expect(notes(page)).toBeVisible();
  await page.goto(`/shipments/${await shipmentAt(page, "YVR")}`);
  await expect(page.getByRole("heading", { level: 2, name: "Timeline" })).toBeVisible();
  await expect(notes(page)).toHaveCount(0);
});

test("an analyst and a viewer read the board and change nothing", async ({ page }) => {
  for (const persona of [/Targeting analyst/, /wall screen/]) {
    await signInAs(page, persona);
    await expect(page.getByRole("link", { name: "Accounts" })).toHaveCount(0);
    await page.goto(`/shipments/${await shipmentAt(page, "YVR")}`);
    await expect(page.getByRole("heading", { level: 2, name: "Timeline" })).toBeVisible();
    await expect(notes(page)).toHaveCount(0);
    // Before hydration the form posts and the server redirects; after, the page reloads:
    // either way the next page is the sign-in page.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/signin/);
  }
});

test("a viewer calling a protected server function directly is refused", async ({ page }) => {
  await signInAs(page, /wall screen/);
  const created = await page.request.post("/rpc/create_account", {
    form: { username: "intruder", display_name: "X", badge: "", role: "admin", ports: "all" },
  });
  expect(created.status()).toBe(403);
  expect((await created.json()).message).toBe("a viewer may not manage accounts");
  const note = await page.request.post("/rpc/add_note", {
    form: { shipment_id: String(await shipmentAt(page, "YVR")), text: "x" },
  });
  expect(note.status()).toBe(403);
  await page.goto("/admin/accounts");
  await expect(page.getByRole("alert")).toContainText("may not manage accounts");
});

test("an administrator adds an account and hands over its password once", async ({ page }) => {
  await signInAs(page, /System administrator/);
  await page.locator(".usermenu > summary").click();
  await page.getByRole("link", { name: "Accounts" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Accounts" })).toBeVisible();
  await hydrated(page);
  const username = `e2e.${Date.now().toString(36)}`;
  await page.getByLabel("Username", { exact: true }).fill(username);
  await page.getByLabel("Name", { exact: true }).fill("Nadia Okafor");
  await page.getByLabel("Role").selectOption("officer");
  await page.getByLabel("Ports").fill("YHZ");
  await page.getByRole("button", { name: "Add" }).click();
  const issued = page.locator(".notice.issued");
  await expect(issued).toContainText(`${username} (Duty officer) was created`);
  const password = (await issued.locator("code.password").textContent()) ?? "";
  expect(password.length).toBeGreaterThanOrEqual(12);
  // The people's table comes first; the simulator's accounts, once it has acted, are folded
  // into a second one below.
  await expect(page.locator("table.accounts").first()).toContainText(username);

  // The new officer signs in with it, and lands where they were going.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto("/holds?port=YHZ");
  await expect(page).toHaveURL(/\/signin\?next=%2Fholds%3Fport%3DYHZ$/);
  await hydrated(page);
  await page.getByLabel("Username", { exact: true }).fill(username);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText("do not match an active account");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/holds\?port=YHZ$/);
  await expect(page.locator(".userbox")).toContainText("Nadia Okafor");
});

test("people see their sessions and can end them", async ({ page }) => {
  await signInAs(page, /wall screen/);
  await page.locator(".usermenu > summary").click();
  await page.getByRole("link", { name: "Sessions" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your sessions" })).toBeVisible();
  const current = page.locator("table.sessions tr.current");
  await expect(current).toHaveCount(1);
  await hydrated(page);
  await current.getByRole("button", { name: "End (sign out)" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
});
