import { expect, test, type Page } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import { hydrated, personaPage } from "../support";

test.use({ storageState: { cookies: [], origins: [] } });

/** Every catalogue value, flattened to `area.key` → text. */
function catalogue(language: string): Map<string, string> {
  const dir = path.join(__dirname, "..", "..", "locales", language);
  const out = new Map<string, string>();
  const walk = (prefix: string, value: unknown) => {
    if (typeof value === "string") out.set(prefix, value);
    else if (value && typeof value === "object")
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
  };
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")))
    walk(file.replace(/\.json$/, ""), JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")));
  return out;
}

/** English phrases that must not be seen on a French page: the catalogue's English values
 *  that differ from their French, cut at their `{{ values }}`, kept when they are unmistakably
 *  English (two words or more, or one long word no French value uses). */
function englishPhrases(): string[] {
  const en = catalogue("en");
  const fr = catalogue("fr");
  const frenchText = [...fr.values()].join(" \n ").toLowerCase();
  const phrases = new Set<string>();
  for (const [key, english] of en) {
    if (fr.get(key) === english) continue;
    for (const piece of english.split(/\{\{[^}]*\}\}/)) {
      const phrase = piece.replace(/[.:;,!?…()"“”]/g, " ").replace(/\s+/g, " ").trim();
      const words = phrase.split(" ").filter((w) => /[A-Za-z]/.test(w));
      if (words.length >= 2 && phrase.length >= 8 && !frenchText.includes(phrase.toLowerCase()))
        phrases.add(phrase);
      else if (words.length === 1 && phrase.length >= 7 && !frenchText.includes(phrase.toLowerCase()))
        phrases.add(phrase);
    }
  }
  // Words the demo's people wrote (port and trader names, seeded rules, simulated officers'
  // notes) are data, shown as written, not the interface's sentences.
  const data = demoData();
  return [...phrases].filter((phrase) => !data.includes(phrase));
}

/** The text of the demo's data: what its traders, analysts and simulated officers wrote. */
function demoData(): string {
  const root = path.join(__dirname, "..", "..");
  const files = [
    ...["app/src/demo", "src/seed"].flatMap((dir) =>
      fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith(".rs")).map((f) => path.join(dir, f)),
    ),
    "app/src/sim/cast.rs",
  ];
  return files.map((f) => fs.readFileSync(path.join(root, f), "utf8")).join("\n");
}

/** What a person reads or hears on the page: its text, title, and labelled attributes. */
async function readable(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts = [document.title, document.body.innerText];
    for (const el of Array.from(document.querySelectorAll("[aria-label],[title],[placeholder],[alt]")))
      for (const attribute of ["aria-label", "title", "placeholder", "alt"]) {
        const value = el.getAttribute(attribute);
        if (value) parts.push(value);
      }
    return parts.join("\n");
  });
}

const PAGES = [
  "/",
  "/holds",
  "/inspections",
  "/ports/YUL",
  "/handover",
  "/targeting",
  "/import",
  "/seizures/reports",
  "/rights",
  "/account",
  "/account/sessions",
  "/admin/accounts",
  "/nowhere",
];

test("every page in French shows no English sentence of the catalogue", async ({ browser }) => {
  test.setTimeout(120_000);
  const phrases = englishPhrases();
  expect(phrases.length).toBeGreaterThan(100);
  const page = await personaPage(browser, "admin");
  await page.context().addCookies([
    { name: "lang", value: "fr", url: test.info().project.use.baseURL as string },
  ]);
  const shipment = await page.request.get("/api/v1/holds?per_page=1");
  const firstHold = (await shipment.json()).items?.[0];
  const pages = firstHold ? [...PAGES, `/shipments/${firstHold.shipment_id}`] : PAGES;
  const found: string[] = [];
  for (const address of pages) {
    await page.goto(address);
    await hydrated(page);
    await expect(page.locator("html")).toHaveAttribute("lang", "fr");
    const text = await readable(page);
    for (const phrase of phrases) {
      const pattern = new RegExp(`(^|[^\\p{L}])${phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\p{L}])`, "u");
      if (pattern.test(text)) found.push(`${address}: "${phrase}"`);
    }
  }
  expect(found, `English on French pages:\n${found.join("\n")}`).toEqual([]);
  // The signed-out page too.
  const signin = await browser.newContext({ baseURL: test.info().project.use.baseURL, locale: "fr-CA" });
  const out = await signin.newPage();
  await out.goto("/signin");
  const text = await readable(out);
  const leaks = phrases.filter((p) => text.includes(p));
  expect(leaks, `English on the French sign-in page: ${leaks.join(", ")}`).toEqual([]);
});
