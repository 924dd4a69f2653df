// The exporter's own health under the names every Prometheus client library uses: resident memory,
// heap, CPU and the longest the event loop was held since the previous scrape. prom-client's
// collectDefaultMetrics() has these and ~30 more, three of which promtool rejects (gauges named
// *_total); these four are what an operator of a long-running exporter looks at, and what the soak
// and churn checks read.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, type Registry } from 'prom-client';

export class SelfMetrics {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor(registry: Registry) {
    this.loop.enable();
    const loop = this.loop;
    new Gauge({
      name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', registers: [registry],
      collect() { this.set(process.memoryUsage.rss()); },
    });
    new Gauge({
      name: 'nodejs_heap_size_used_bytes', help: 'Process heap size used from Node.js in bytes.', registers: [registry],
      collect() { this.set(process.memoryUsage().heapUsed); },
    });
    new Counter({
      name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.', registers: [registry],
      collect() {
        const u = process.cpuUsage();
        this.reset();
        this.inc((u.user + u.system) / 1e6);
      },
    });
    new Gauge({
      name: 'nodejs_eventloop_lag_max_seconds', help: 'The longest event loop delay since the previous scrape (seconds).', registers: [registry],
      collect() {
        // max is 0 until the first sample of the period; the histogram reports nanoseconds.
        this.set(loop.max / 1e9);
        loop.reset();
      },
    });
  }

  close(): void {
    this.loop.disable();
  }
}
