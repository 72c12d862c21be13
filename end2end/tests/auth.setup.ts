import { expect, test as setup } from "@playwright/test";
import { viewerState } from "../support";

// The demo server offers its personas for one-click sign-in; the board tests read as the
// wall-screen viewer.
setup("sign in as the demo viewer", async ({ request }) => {
  const response = await request.post("/rpc/demo_sign_in", { form: { username: "viewer" } });
  expect(response.status()).toBe(200);
  await request.storageState({ path: viewerState });
});
