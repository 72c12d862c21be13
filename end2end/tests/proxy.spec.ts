import { expect, test } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cluster, liveShipmentPage, personaPage, startServer, stop } from "../support";

const root = path.resolve(__dirname, "..", "..");
const binary = path.resolve(root, process.env.BORDER_OPS_BIN ?? "target/debug/border-ops");
const nginxBinary = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => fs.existsSync(p));

/** nginx with the deployment's own configuration (deploy/nginx/border-ops.conf), its two
 *  upstreams and its address moved to this test's ports, in the foreground. */
async function startNginx(folder: string, listen: number, upstreams: [number, number]): Promise<ChildProcess> {
  const conf = fs
    .readFileSync(path.join(root, "deploy", "nginx", "border-ops.conf"), "utf8")
    .replace("server 127.0.0.1:3001", `server 127.0.0.1:${upstreams[0]}`)
    .replace("server 127.0.0.1:3002", `server 127.0.0.1:${upstreams[1]}`)
    .replace("listen 80;", `listen 127.0.0.1:${listen};`)
    .replace("/var/log/nginx/border-ops.access.log", path.join(folder, "access.log"));
  expect(conf).toContain(`127.0.0.1:${upstreams[1]}`);
  fs.writeFileSync(path.join(folder, "border-ops.conf"), conf);
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((kind) => `    ${kind}_temp_path ${path.join(folder, kind)};`)
    .join("\n");
  fs.writeFileSync(
    path.join(folder, "nginx.conf"),
    `daemon off;\nmaster_process off;\npid ${folder}/nginx.pid;\nerror_log ${folder}/error.log;\n` +
      `events {}\nhttp {\n${temp}\n    include ${folder}/border-ops.conf;\n}\n`,
  );
  const child = spawn(nginxBinary!, ["-p", folder, "-c", path.join(folder, "nginx.conf")], { stdio: "ignore" });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${listen}/healthz`)).ok) return child;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`nginx did not start: ${fs.readFileSync(path.join(folder, "error.log"), "utf8")}`);
}

/** How many live streams an instance holds, from its figures (METRICS_ADDR). */
async function streamsOpen(metrics: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("border_ops_live_streams_open "));
  return Number(line?.split(" ")[1] ?? NaN);
}

test("two instances behind nginx on one PostgreSQL: sessions cross, changes cross within a second, a stopped instance's board reconnects through the other and misses nothing", async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const allowed = nginxBinary !== undefined && process.getuid?.() === 0;
  if (!allowed) {
    expect(process.env.CI, "CI runs as root with Debian's nginx and PostgreSQL").not.toBe("true");
    test.skip(true, "needs Debian's nginx and PostgreSQL cluster tools, as root");
  }
  const worker = test.info().parallelIndex;
  const name = `boc_proxy_${worker}`;
  const url = cluster("start", name, String(5495 + worker));
  const base = Number(process.env.E2E_PORT ?? 3210) + 90 + worker * 6;
  const [proxy, first, second] = [base, base + 1, base + 2];
  const metrics = [base + 3, base + 4];
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "border-ops-proxy-"));
  const env = (m: number) => ({ TRUSTED_PROXIES: "127.0.0.1", METRICS_ADDR: `127.0.0.1:${m}` });
  const instances: (ChildProcess | null)[] = [];
  let nginx: ChildProcess | null = null;
  try {
    instances.push(await startServer(first, url, ["serve", "--demo", "--no-sim"], env(metrics[0])));
    instances.push(await startServer(second, url, ["serve", "--demo", "--no-sim"], env(metrics[1])));
    nginx = await startNginx(folder, proxy, [first, second]);

    // Signed in through nginx; the session is in the database, so each instance knows it.
    const page = await personaPage(browser, "duty.yvr", `http://127.0.0.1:${proxy}`);
    const cookies = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    for (const port of [first, second]) {
      const me = await fetch(`http://127.0.0.1:${port}/api/v1/holds?port=YVR&per_page=1`, {
        headers: { cookie: cookies },
      });
      expect(me.status, `the session signed in through nginx is known to :${port}`).toBe(200);
    }
    const { shipment, timeline } = await liveShipmentPage(page, "YVR");

    // Which instance holds the page's stream; the change goes through the other.
    await expect.poll(async () => (await streamsOpen(metrics[0])) + (await streamsOpen(metrics[1]))).toBe(1);
    const holder = (await streamsOpen(metrics[0])) === 1 ? 0 : 1;
    const [held, otherPort] = holder === 0 ? [first, second] : [second, first];
    const note = async (port: number, text: string) => {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/shipments/${shipment}/notes`, {
        method: "POST",
        headers: { cookie: cookies, "content-type": "application/json", origin: `http://127.0.0.1:${port}` },
        body: JSON.stringify({ text }),
      });
      expect(r.status, await r.text()).toBe(201);
    };
    const crossing = `Written through :${otherPort}, watched through :${held} ${Date.now()}`;
    const sent = Date.now();
    await note(otherPort, crossing);
    // Within a second when this test runs alone (the page's own fetch included); the test
    // allows three, as the machine may be running the other tests' servers on its two cores.
    await expect(timeline).toContainText(crossing, { timeout: 3_000 });
    console.log(`across instances: shown ${Date.now() - sent} ms after it was sent`);

    // The instance holding the stream stops (SIGTERM); a change made while the page is away
    // reaches it once its stream comes back through the other instance.
    await stop(instances[holder]!);
    instances[holder] = null;
    const meanwhile = `Written while the stream moved ${Date.now()}`;
    await note(otherPort, meanwhile);
    await expect(timeline).toContainText(meanwhile, { timeout: 15_000 });
    await expect(page.locator(".live-indicator")).toHaveAttribute("data-connection", "live");
    await expect.poll(() => streamsOpen(metrics[1 - holder])).toBe(1);
    const after = `Written after the move ${Date.now()}`;
    await note(otherPort, after);
    await expect(timeline).toContainText(after, { timeout: 3_000 });
    // Each once.
    for (const text of [crossing, meanwhile, after]) {
      await expect(timeline.getByText(text)).toHaveCount(1);
    }
    // nginx passed the request ids it made to the instances, and logged them.
    expect(fs.readFileSync(path.join(folder, "access.log"), "utf8")).toMatch(/request_id=[0-9a-f]{32}/);

    // A rolling restart under load (scripts/rolling-restart.sh, as the README shows it, with
    // a restart command for these processes instead of systemctl): reads and writes go on
    // through nginx, no read is refused, a write is refused only when it met the stopping
    // instance's closing connection (and then written once when sent again), and the page
    // follows every write, once.
    instances[holder] = await startServer(held, url, ["serve", "--demo", "--no-sim"], env(metrics[holder]));
    const pidFile = (port: number) => path.join(folder, `${port}.pid`);
    fs.writeFileSync(pidFile(first), String(instances[0]!.pid));
    fs.writeFileSync(pidFile(second), String(instances[1]!.pid));
    // nginx skips the instance it found stopped for its fail_timeout (5 s): as the script does
    // between two instances, the restart starts once it is used again.
    await new Promise((r) => setTimeout(r, 6_000));
    const pids = path.join(folder, "{port}.pid");
    const restartCommand =
      `pid=$(cat ${pids}); kill -TERM "$pid"; ` +
      `while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; ` +
      `LEPTOS_SITE_ADDR=127.0.0.1:{port} setsid ${binary} serve --demo --no-sim >/dev/null 2>&1 & ` +
      `echo $! > ${pids}`;
    const restarting = new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(path.join(root, "scripts", "rolling-restart.sh"), [String(first), String(second)], {
        cwd: root,
        env: {
          ...process.env,
          RESTART_COMMAND: restartCommand,
          DATABASE_URL: url,
          TRUSTED_PROXIES: "127.0.0.1",
          RUST_LOG: "warn",
        },
      });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      child.on("exit", (code) => resolve({ code, out }));
    });
    let done = false;
    const outcome = restarting.then((r) => ((done = true), r));
    const statuses: number[] = [];
    const written: string[] = [];
    let retried = 0;
    const proxied = `http://127.0.0.1:${proxy}`;
    let n = 0;
    while (!done) {
      const read = await fetch(`${proxied}/api/v1/ports`, { headers: { cookie: cookies } });
      statuses.push(read.status);
      if (n++ % 5 === 0) {
        const text = `Written during the rolling restart, #${n}.`;
        const send = () =>
          fetch(`${proxied}/api/v1/shipments/${shipment}/notes`, {
            method: "POST",
            headers: { cookie: cookies, "content-type": "application/json", origin: proxied },
            body: JSON.stringify({ text }),
          });
        let w = await send();
        // A write sent on a kept-alive connection that the stopping instance closed at that
        // moment comes back 502 (nginx does not send a write twice); it was not carried out,
        // and sent again, as a person or the page would, it is written once.
        if (w.status === 502) {
          retried += 1;
          w = await send();
        }
        statuses.push(w.status);
        if (w.status === 201) written.push(text);
      }
    }
    const { code, out } = await outcome;
    expect(code, out).toBe(0);
    expect(out).toContain(`the instance on ${second} is ready again`);
    const refused = statuses.filter((s) => s !== 200 && s !== 201);
    console.log(
      `rolling restart: requests=${statuses.length} refused=${refused.length} writes=${written.length} writes_sent_again=${retried}`,
    );
    expect(refused, `statuses other than 200/201 out of ${statuses.length}`).toEqual([]);
    expect(written.length).toBeGreaterThan(0);
    // Each write recorded once in the journal...
    const recorded = await (await fetch(`${proxied}/api/v1/shipments/${shipment}`, { headers: { cookie: cookies } })).json();
    for (const text of written) {
      const seqs = recorded.timeline.filter((e: { reason: string | null }) => e.reason === text).map((e: { seq: number }) => e.seq);
      expect(seqs, `the journal's entries for "${text}"`).toHaveLength(1);
    }
    // ...and shown once, on the page that followed the restart.
    await expect(page.locator(".live-indicator")).toHaveAttribute("data-connection", "live", { timeout: 15_000 });
    for (const text of written) {
      await expect(timeline.getByText(text)).toHaveCount(1, { timeout: 15_000 });
    }
  } finally {
    nginx?.kill("SIGKILL");
    for (const port of [first, second]) {
      try {
        process.kill(Number(fs.readFileSync(path.join(folder, `${port}.pid`), "utf8")), "SIGKILL");
      } catch {
        // not restarted by the script, or already gone
      }
    }
    for (const instance of instances) {
      if (instance && instance.exitCode === null && instance.signalCode === null) await stop(instance);
    }
    cluster("drop", name);
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
