// The Lab view: pick an exchange scenario, set its parameters and tunables, run it on the server's
// lab (virtual time), and read the sequence diagram row by row, the state timelines and the
// conclusion the run checked; download the run as JSON or as a pcapng capture for Wireshark.
import { causeText, t, type ExchangeResult, type Lang } from '../public/index.js';
import { ApiFailure, getJson } from './api.js';
import { clear, h } from './dom.js';
import { ROUTES, type LabRun, type ScenarioList } from './messages.js';
import { sequenceDiagram, timelineBands } from './sequence-diagram.js';
import { word, type WordKey } from './ui-words.js';

export class LabView {
  readonly root = h('section', { id: 'lab-view', class: 'view' });
  private list: ScenarioList | undefined;
  private readonly scenario = h('select', { id: 'lab-scenario' });
  private readonly summary = h('p', { class: 'muted', id: 'lab-summary' });
  private readonly profile = h('select', { id: 'lab-profile' }, ...['linux', 'bsd', 'windows'].map((p) => h('option', { value: p }, p)));
  private readonly seed = h('input', { id: 'lab-seed', type: 'number', min: 0, value: '1' });
  private readonly params = h('div', { id: 'lab-params', class: 'params' });
  private readonly sysctls = h('textarea', { id: 'lab-sysctls', rows: 3, spellcheck: 'false', placeholder: 'tcp_fin_timeout=30' });
  private readonly tunables = h('datalist', { id: 'lab-tunables' });
  private readonly runButton = h('button', { id: 'lab-run', type: 'button', class: 'primary' });
  private readonly out = h('div', { id: 'lab-out' });
  private readonly labels: Array<[HTMLElement, WordKey]> = [];
  private result: ExchangeResult | undefined;
  private query: URLSearchParams | undefined;
  private shown = 0;

  constructor(private readonly lang: () => Lang) {
    const label = (k: WordKey, control: HTMLElement): HTMLElement => {
      const span = h('span', {});
      this.labels.push([span, k]);
      return h('label', {}, span, control);
    };
    this.scenario.addEventListener('change', () => this.drawParams());
    this.runButton.addEventListener('click', () => { void this.run(); });
    const head = h('h3', {});
    this.labels.push([head, 'sysctls']);
    this.root.append(h('div', { class: 'panel lab-form' },
      h('div', { class: 'form-row' }, label('scenario', this.scenario), label('profile', this.profile), label('seed', this.seed)),
      this.summary, this.params, head, this.sysctls, this.tunables,
      h('div', { class: 'toolbar' }, this.runButton)), this.out);
    document.addEventListener('keydown', (e) => {
      if (!this.result || this.root.hidden || (e.target as HTMLElement).closest('input, textarea, select')) return;
      if (e.key === 'ArrowRight') this.step(1);
      if (e.key === 'ArrowLeft') this.step(-1);
    });
  }

  /** Loads the scenario list once; picks `name` if given. */
  async show(name?: string): Promise<void> {
    if (!this.list) {
      this.list = await getJson<ScenarioList>(ROUTES.scenarios);
      this.scenario.append(...this.list.scenarios.map((sc) => h('option', { value: sc.name }, sc.name)));
      this.tunables.append(...this.list.tunables.map((x) => h('option', { value: `${x.name}=${x.default}` }, x.doc)));
    }
    if (name && this.list.scenarios.some((sc) => sc.name === name) && this.scenario.value !== name) this.scenario.value = name;
    this.render();
  }

  render(): void {
    const lang = this.lang();
    for (const [el, k] of this.labels) el.textContent = word(k, lang);
    this.runButton.textContent = word('run', lang);
    this.drawParams();
    this.drawResult();
  }

  private drawParams(): void {
    const lang = this.lang();
    const sc = this.list?.scenarios.find((x) => x.name === this.scenario.value);
    this.summary.textContent = sc ? t(sc.summary, lang) : '';
    const keep = new Map([...this.params.querySelectorAll('input')].map((i) => [i.name, i.value]));
    clear(this.params);
    if (!sc || sc.params.length === 0) return;
    this.params.append(h('h3', {}, word('params', lang)));
    for (const p of sc.params) {
      const input = h('input', { name: p.name, 'data-param': p.name, value: keep.get(p.name) ?? String(p.default), type: typeof p.default === 'number' ? 'number' : 'text' });
      this.params.append(h('label', { title: t(p.doc, lang) }, h('span', { class: 'mono' }, p.name), input, h('small', { class: 'muted' }, t(p.doc, lang))));
    }
  }

  private async run(): Promise<void> {
    const q = new URLSearchParams();
    q.set('scenario', this.scenario.value);
    q.set('profile', this.profile.value);
    q.set('seed', this.seed.value || '1');
    const sc = this.list?.scenarios.find((x) => x.name === this.scenario.value);
    for (const input of this.params.querySelectorAll('input')) {
      const d = sc?.params.find((p) => p.name === input.name);
      if (d && input.value !== String(d.default)) q.append('param', `${input.name}=${input.value}`);
    }
    for (const line of this.sysctls.value.split('\n').map((l) => l.trim()).filter(Boolean)) q.append('set', line);
    this.runButton.disabled = true;
    try {
      const r = await getJson<LabRun>(ROUTES.labRun, q);
      this.result = r.result;
      this.query = q;
      this.shown = r.result.steps.length;
      if (location.hash !== `#/lab/${r.result.scenario}`) history.replaceState(null, '', `#/lab/${r.result.scenario}`);
      this.drawResult();
    } catch (e) {
      this.result = undefined;
      clear(this.out);
      this.out.append(h('p', { class: 'bad panel', id: 'lab-error' }, e instanceof ApiFailure ? t(e.text, this.lang()) : String(e)));
    } finally {
      this.runButton.disabled = false;
    }
  }

  private step(by: number): void {
    if (!this.result) return;
    this.shown = Math.max(1, Math.min(this.result.steps.length, this.shown + by));
    this.drawResult();
  }

  private drawResult(): void {
    const r = this.result;
    if (!r || !this.query) return;
    const lang = this.lang();
    clear(this.out);
    const checks = r.checks ?? [];
    const dl = new URLSearchParams(this.query);
    dl.set('download', '1');
    this.out.append(
      h('div', { class: 'panel', id: 'lab-conclusion' },
        h('h2', {}, word('conclusion', lang)), h('p', { class: 'conclusion' }, t(r.conclusion, lang)),
        checks.length > 0 && h('ul', { class: 'checks' }, ...checks.map((c) => h('li', { class: c.ok ? 'ok' : 'bad' }, `${c.ok ? '✓' : '✗'} ${c.what}`))),
        h('p', { class: 'toolbar' },
          h('a', { href: `${ROUTES.labRun}?${dl}`, download: `${r.scenario}.json`, id: 'lab-json' }, word('downloadJson', lang)),
          h('a', { href: `${ROUTES.labPcap}?${this.query}`, download: `${r.scenario}.pcapng`, id: 'lab-pcap' }, word('downloadPcap', lang)))),
      h('div', { class: 'panel' },
        h('div', { class: 'toolbar stepper' },
          h('button', { type: 'button', id: 'lab-prev', onclick: () => this.step(-1) }, '◀'),
          h('span', { id: 'lab-step' }, `${word('step', lang)} ${this.shown} / ${r.steps.length}`),
          h('button', { type: 'button', id: 'lab-next', onclick: () => this.step(1) }, '▶'),
          h('button', { type: 'button', id: 'lab-all', onclick: () => this.step(r.steps.length) }, word('all', lang))),
        h('div', { class: 'svg-wrap' }, sequenceDiagram(r, this.shown, lang))),
      h('div', { class: 'panel' }, h('h2', {}, word('timeline', lang)), h('div', { class: 'svg-wrap' }, timelineBands(r)),
        h('ul', { class: 'timeline-list' }, ...r.timeline.map((c) => h('li', {}, `${(c.at / 1000).toFixed(3)} s · ${r.hosts.find((x) => x.name === c.host)?.label ?? c.host}: `,
          h('a', { href: `#/explain/${c.from}` }, c.from), ' → ', h('a', { href: `#/explain/${c.to}` }, c.to), ` (${causeText(c.cause, lang)})`)))),
    );
  }
}
