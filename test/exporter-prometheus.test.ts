// The exporter with real parts: a namespace with a CLOSE-WAIT leak and a TIME-WAIT pile, the real
// `tcplens exporter --netns NS`, and Debian's Prometheus scraping it every second with the shipped
// alert rules loaded (their `for:` set to 0s so they fire within the test). Prometheus's HTTP API
// must show the per-process and per-port series, the time-in-state histograms and the firing
// alert; every Grafana panel's query must run there without error; `promtool check metrics` must
// accept the output; and deleting the namespace under the exporter must turn into tcplens_up 0 and
// an error count, not a crash. Then the exporter is scraped while 100,000 sockets churn under it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { netnsSkipReason, TestNetns, waitUntil } from './helpers/netns.js';
import { assertPromtoolAccepts, prometheusSkipReason, startExporter, startPrometheus, type Running, type RunningPrometheus } from './helpers/exporter.js';
import { ROOT } from './helpers/paths.js';

const skip = netnsSkipReason() ?? prometheusSkipReason();

describe('tcplens exporter scraped by Prometheus, in a namespace', { skip }, () => {
  test('per-process CLOSE-WAIT and per-port TIME-WAIT reach Prometheus, the finding alert fires, every panel query runs', async () => {
    const ns = TestNetns.create();
    const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-rules-'));
    let ex: Running | undefined;
    let prom: RunningPrometheus | undefined;
    try {
      // The leak: a server that never closes after the peers' FIN (40 CLOSE-WAIT on 8080).
      const leaky = ns.start('server', { port: 8080, mode: 'hold' }, { lifetimeMs: 240_000, title: 'tl-leaky' });
      await leaky.waitFor('ready');
      const halfClosers = ns.start('client', { port: 8080, count: 40, mode: 'end' }, { lifetimeMs: 240_000 });
      assert.deepEqual((await halfClosers.waitFor('done')).errors, {});
      // The pile: a server that closes first (60 TIME-WAIT on 8081, for 60 s).
      const closer = ns.start('server', { port: 8081, mode: 'close-first' }, { lifetimeMs: 240_000, title: 'tl-closer' });
      await closer.waitFor('ready');
      const waiters = ns.start('client', { port: 8081, count: 60, mode: 'wait' }, { lifetimeMs: 240_000 });
      assert.deepEqual((await waiters.waitFor('done')).errors, {});
      // The client reports done once it has closed; the server's last sockets enter TIME-WAIT when
      // those FINs arrive, a moment later: wait for the kernel to show all 60 before scraping.
      await waitUntil('60 TIME-WAIT on port 8081', async () =>
        ns.exec(['ss', '-Htan', 'state', 'time-wait', 'sport', '=', ':8081']).stdout.split('\n').filter(Boolean).length === 60 ? true : undefined, 10_000, 50);

      ex = await startExporter(['--netns', ns.name]);
      const body = await (await fetch(`${ex.url}/metrics`)).text();
      const leakLine = new RegExp(`^tcplens_process_connection_states\\{netns="${ns.name}",comm="tl-leaky",pid="${leaky.pid}",state="CLOSE-WAIT"\\} 40$`, 'm');
      assert.match(body, leakLine);
      assert.match(body, new RegExp(`^tcplens_port_connection_states\\{netns="${ns.name}",port="8081",state="TIME-WAIT"\\} 60$`, 'm'));
      assert.match(body, new RegExp(`^tcplens_finding\\{netns="${ns.name}",id="close_wait_leak",severity="warning",state="CLOSE-WAIT",process="tl-leaky",port="8080",destination=""\\} 1$`, 'm'));
      assert.match(body, new RegExp(`^tcplens_state_oldest_age_seconds\\{netns="${ns.name}",state="TIME-WAIT"\\} `, 'm'));
      // Time in state: TIME-WAIT from its timer at the first scrape, all 60 younger than its 60 s.
      assert.match(body, new RegExp(`^tcplens_state_age_seconds_bucket\\{netns="${ns.name}",state="TIME-WAIT",le="60"\\} 60$`, 'm'));
      assertPromtoolAccepts(body);

      const rules = path.join(dir, 'rules.yml');
      writeFileSync(rules, readFileSync(path.join(ROOT, 'deploy/prometheus/tcplens-rules.yml'), 'utf8').replace(/^(\s+)for: \S+$/gm, '$1for: 0s'));
      prom = await startPrometheus(new URL(ex.url).host, [rules]);
      const p = prom;

      const leak = await waitUntil('the per-process CLOSE-WAIT series in Prometheus', async () => {
        const r = await p.query(`tcplens_process_connection_states{netns="${ns.name}", comm="tl-leaky", state="CLOSE-WAIT"}`);
        return r.length > 0 ? r : undefined;
      }, 60_000, 500);
      assert.equal(leak[0].metric.pid, String(leaky.pid));
      assert.equal(leak[0].value[1], '40');
      // From the second scrape on, the leak's 40 CLOSE-WAIT sockets have an age, under their process.
      const aged = await waitUntil('the CLOSE-WAIT age histogram of the leaking process', async () => {
        const r = await p.query(`tcplens_process_state_age_seconds_count{netns="${ns.name}", comm="tl-leaky", state="CLOSE-WAIT"}`);
        return r.length > 0 ? r : undefined;
      }, 60_000, 500);
      assert.equal(aged[0].value[1], '40');
      const tw = await p.query(`tcplens_port_connection_states{netns="${ns.name}", port="8081", state="TIME-WAIT"}`);
      assert.equal(tw.length, 1);
      assert.ok(Number(tw[0].value[1]) > 0 && Number(tw[0].value[1]) <= 60, tw[0].value[1]);

      const firing = await waitUntil('TcplensFindingActive firing for close_wait_leak', async () => {
        const a = (await p.alerts()).find((x) => x.labels.alertname === 'TcplensFindingActive' && x.labels.id === 'close_wait_leak' && x.state === 'firing');
        return a;
      }, 60_000, 500);
      assert.equal(firing.labels.netns, ns.name);
      assert.equal(firing.labels.process, 'tl-leaky');
      assert.equal(firing.labels.severity, 'warning');

      // Every panel of the dashboard, its template variables set to "all".
      const dash = JSON.parse(readFileSync(path.join(ROOT, 'deploy/grafana/tcplens.json'), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
      const withData: string[] = [];
      for (const panel of dash.panels) {
        for (const t of panel.targets) {
          const expr = t.expr.replace(/\$instance|\$netns/g, '.*').replace(/\$__rate_interval/g, '1m');
          const r = await p.query(expr).catch((e: Error) => { throw new Error(`panel '${panel.title}': ${e.message}`); });
          if (r.length > 0) withData.push(panel.title);
        }
      }
      for (const title of ['State counts', 'CLOSE-WAIT by process', 'Top listening ports by state', 'TIME-WAIT by port', 'Findings', 'Time in state: median and 90th percentile', 'CLOSE-WAIT age by process (90th percentile)']) assert.ok(withData.includes(title), `${title} has no data`);

      // The namespace goes away under the exporter: the scrape still answers, with the error counted.
      await ns.destroy();
      const after = await waitUntil('a scrape that saw the namespace gone', async () => {
        const r = await fetch(`${ex!.url}/metrics`);
        assert.equal(r.status, 200);
        const text = await r.text();
        return new RegExp(`^tcplens_up\\{netns="${ns.name}"\\} 0$`, 'm').test(text) ? text : undefined;
      }, 30_000, 500);
      assert.match(after, new RegExp(`^tcplens_scrape_errors_total\\{netns="${ns.name}"\\} [1-9]`, 'm'));
      assert.equal(ex.child.exitCode, null, 'the exporter is still running');
    } finally {
      await prom?.stop();
      await ex?.stop();
      await ns.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a scrape while 100,000 sockets churn (50,000 connections opened and closed) answers, passes promtool, and /healthz answers all along', async (t) => {
    const ns = TestNetns.create();
    let ex: Running | undefined;
    try {
      ns.sysctl('net.ipv4.ip_local_port_range', '1024 65535');
      const srv = ns.start('server', { ports: [9000, 9001], mode: 'echo' }, { lifetimeMs: 120_000, title: 'tl-echo' });
      await srv.waitFor('ready');
      ex = await startExporter(['--netns', ns.name]);
      const url = ex.url;
      // Both ends of each connection open and close: 100,000 sockets, each connection leaving a
      // TIME-WAIT entry on the client's side. It stops by itself when done or after its lifetime.
      const churn = ns.start('client', { ports: [9000, 9001], count: 50_000, concurrency: 200, mode: 'close' }, { lifetimeMs: 90_000, title: 'tl-churn' });
      const churning = (): boolean => !churn.exited && !churn.messages.some((m) => 'done' in m);
      // /healthz every 20 ms for as long as the churn runs: each must answer; the longest wait says
      // how long a scrape held the event loop (reported, not asserted: CI machines differ).
      let health = 0;
      let longestHealthMs = 0;
      const pinger = (async () => {
        while (churning()) {
          const t0 = performance.now();
          const r = await fetch(`${url}/healthz`);
          assert.equal(await r.text(), 'ok\n');
          longestHealthMs = Math.max(longestHealthMs, performance.now() - t0);
          health++;
          await new Promise((r2) => setTimeout(r2, 20));
        }
      })();
      let scrapes = 0;
      let checked = false;
      let longestLagS = 0;
      while (churning()) {
        const r = await fetch(`${url}/metrics`);
        assert.equal(r.status, 200);
        const body = await r.text();
        assert.match(body, new RegExp(`^tcplens_up\\{netns="${ns.name}"\\} 1$`, 'm'));
        const lag = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(body);
        assert.ok(lag && Number.isFinite(Number(lag[1])) && Number(lag[1]) >= 0, 'the exporter reports its event-loop delay');
        longestLagS = Math.max(longestLagS, Number(lag[1]));
        // One scrape taken mid-churn, through promtool.
        if (!checked && /^tcplens_tcp_connection_states\{[^}]*state="TIME-WAIT"\} [1-9]/m.test(body)) { assertPromtoolAccepts(body); checked = true; }
        scrapes++;
      }
      await pinger;
      const done = await churn.waitFor('done', 1000);
      t.diagnostic(`churn: ${String(done.ok)} connections, errors ${JSON.stringify(done.errors)}; ${scrapes} scrapes and ${health} /healthz during it; longest /healthz wait ${longestHealthMs.toFixed(0)} ms, longest event-loop delay reported ${(longestLagS * 1000).toFixed(0)} ms`);
      assert.ok(Number(done.ok) >= 45_000, `the churn ran: ${String(done.ok)} connections`);
      assert.ok(scrapes >= 1 && checked, `${scrapes} scrapes during the churn, one of them through promtool`);
      assert.ok(health >= 1);
      const last = await (await fetch(`${url}/metrics`)).text();
      assert.match(last, new RegExp(`^tcplens_scrape_errors_total\\{netns="${ns.name}"\\} 0$`, 'm'));
      assert.match(last, new RegExp(`^tcplens_port_connection_states\\{netns="${ns.name}",port="9000",state="LISTEN"\\} 1$`, 'm'));
      assert.match(last, new RegExp(`^tcplens_state_age_seconds_count\\{netns="${ns.name}",state="TIME-WAIT"\\} [1-9]`, 'm'));
      assert.equal(ex.child.exitCode, null, 'the exporter is still running');
    } finally {
      await ex?.stop();
      await ns.destroy();
    }
  });
});
