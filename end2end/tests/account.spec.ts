import { expect, test } from "@playwright/test";
import { hydrated, personaPage } from "../support";

test.use({ storageState: { cookies: [], origins: [] } });

test("a person changes their password on Your account and their other browser is signed out", async ({
  browser,
}) => {
  // An account of this test's own, made by an administrator, signed in in two browsers.
  const admin = await personaPage(browser, "admin");
  const created = await admin.request.post("/rpc/create_account", {
    form: {
      username: `pw.${Date.now().toString(36)}`,
      display_name: "Maya Lindqvist",
      badge: "",
      role: "officer",
      ports: "YVR",
    },
  });
  expect(created.status()).toBe(200);
  const { account, password } = await created.json();
  const signedIn = async () => {
    const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
    const page = await context.newPage();
    const signed = await page.request.post("/rpc/sign_in", {
      form: { username: account.username, password },
    });
    expect(signed.status()).toBe(200);
    return page;
  };
  const desk = await signedIn();
  const other = await signedIn();
  await other.goto("/holds?port=YVR");
  await expect(other.getByRole("heading", { level: 1 })).toBeVisible();

  // "Your account" is linked from the header's account menu, beside "Your sessions".
  await desk.goto("/");
  await hydrated(desk);
  await desk.locator(".usermenu > summary").click();
  await desk.locator(".userbox").getByRole("link", { name: "Account" }).click();
  await expect(desk).toHaveURL(/\/account$/);
  await expect(desk.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await expect(desk).toHaveTitle(/^Your account/);

  // A wrong current password: the reason is under that field, tied to it.
  const current = desk.getByLabel("Current password");
  await current.fill("not the password at all");
  await desk.getByLabel("New password", { exact: true }).fill("a river of quiet stones");
  await desk.getByLabel("New password again").fill("a river of quiet stones");
  await desk.getByRole("button", { name: "Change password" }).click();
  const problem = desk.locator("#account-current_password-error");
  await expect(problem).toContainText("not your current password");
  await expect(current).toHaveAttribute("aria-invalid", "true");
  await expect(current).toHaveAttribute("aria-describedby", "account-current_password-error");
  await expect(current).toHaveAttribute("autocomplete", "current-password");
  await expect(desk.getByLabel("New password", { exact: true })).toHaveAttribute(
    "autocomplete",
    "new-password",
  );
  await expect(desk.getByLabel("Also revoke my API tokens")).toBeChecked();

  // The right one: the change is confirmed in a live region.
  await current.fill(password);
  await desk.getByLabel("New password", { exact: true }).fill("a river of quiet stones");
  await desk.getByLabel("New password again").fill("a river of quiet stones");
  await desk.getByRole("button", { name: "Change password" }).click();
  const panel = desk.getByRole("region", { name: "Change your password" });
  await expect(panel.getByRole("status")).toContainText(
    "Your password is changed. 1 other session was signed out",
  );
  await expect(current).not.toHaveAttribute("aria-invalid", "true");

  // The browser that changed it stays signed in; the other, at its next page, is at sign in.
  await desk.goto("/holds?port=YVR");
  await expect(desk).toHaveURL(/\/holds\?port=YVR$/);
  await other.goto("/inspections");
  await expect(other).toHaveURL(/\/signin\?next=%2Finspections$/);

  // The new password signs in there; the old one no longer does.
  await hydrated(other);
  await other.getByLabel("Username").fill(account.username);
  await other.getByLabel("Password").fill(password);
  await other.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(other.getByRole("alert")).toContainText("do not match an active account");
  await other.getByLabel("Password").fill("a river of quiet stones");
  await other.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(other).toHaveURL(/\/inspections$/);
  await expect(other.locator(".userbox")).toContainText("Maya Lindqvist");
});
