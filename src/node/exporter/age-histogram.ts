// Time in state as Prometheus histograms: the sockets in a state *now*, by how long they have been
// in it. This is a distribution of the present (a gauge histogram in OpenMetrics' terms), rebuilt at
// every scrape, not a running count of observations: read it with histogram_quantile() directly,
// never through rate(). Prometheus's text format 0.0.4 has no gauge-histogram type, so it is typed
// `histogram`, as the _bucket/_sum/_count series it is made of require (promtool checks that).
//
// prom-client's Histogram observes one value at a time with a label lookup each; a host with
// 200,000 sockets would pay that 200,000 times per scrape. Here each series is a plain array of
// bucket counts filled in one pass and written out cumulatively when Prometheus asks.
import type { Metric, Registry } from 'prom-client';

/**
 * Upper bounds in seconds. 60 is TIME-WAIT's whole life (TCP_TIMEWAIT_LEN) and tcp_fin_timeout's
 * default, 120 the SYN retransmits' ceiling (TCP_RTO_MAX); a CLOSE-WAIT leak runs to hours and days.
 */
export const AGE_BUCKETS_SECONDS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400] as const;

/** One series being filled: counts per bucket (the last is +Inf), not yet cumulative. */
export interface AgeSeries { labels: Record<string, string>; buckets: Float64Array; sum: number; count: number }

interface Sample { labels: Record<string, string | number>; value: number; metricName: string }

/** The bucket index for a value: the first bound it does not exceed, or the +Inf slot. */
function bucketOf(seconds: number): number {
  let i = 0;
  while (i < AGE_BUCKETS_SECONDS.length && seconds > AGE_BUCKETS_SECONDS[i]) i++;
  return i;
}

export class AgeHistogram {
  readonly type = 'histogram';
  private series = new Map<string, AgeSeries>();

  constructor(readonly name: string, readonly help: string, registry: Registry) {
    registry.registerMetric(this as unknown as Metric);
  }

  reset(): void {
    this.series.clear();
  }

  /** The series `key`, made with `labels` the first time; callers keep it for their next sockets. */
  seriesFor(key: string, labels: Record<string, string>): AgeSeries {
    let s = this.series.get(key);
    if (!s) {
      s = { labels, buckets: new Float64Array(AGE_BUCKETS_SECONDS.length + 1), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    return s;
  }

  /** One socket of age `seconds` in `s`. */
  static observe(s: AgeSeries, seconds: number): void {
    s.buckets[bucketOf(seconds)]++;
    s.sum += seconds;
    s.count++;
  }

  /** What the registry serialises: each series' cumulative buckets, then +Inf, _sum and _count. */
  get(): { name: string; help: string; type: string; values: Sample[]; aggregator: string } {
    const values: Sample[] = [];
    for (const s of this.series.values()) {
      let cum = 0;
      for (let i = 0; i < AGE_BUCKETS_SECONDS.length; i++) {
        cum += s.buckets[i];
        values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: AGE_BUCKETS_SECONDS[i] }, value: cum });
      }
      values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}
