// The Host view: the live state diagram, the doctor's findings beside it, the sockets of the state
// clicked (one page of 100 at a time, filtered on the server in ss's words) and the paste box.
import { TCP_STATES, t, type Lang, type TcpState } from '../public/index.js';
import { getJson, postText, ApiFailure } from './api.js';
import { clear, h } from './dom.js';
import { findingsList } from './findings.js';
import { ageText } from './format.js';
import { ROUTES, type HostUpdate, type PasteResult, type SocketPage } from './messages.js';
import { StateDiagram } from './state-diagram.js';
import { word } from './ui-words.js';

export class HostView {
  readonly root = h('section', { id: 'host-view', class: 'view' });
  private readonly diagram: StateDiagram;
  private readonly status = h('p', { class: 'status', id: 'host-status' });
  private readonly findingsBox = h('div', { id: 'findings' });
  private readonly socketsBox = h('div', { id: 'sockets' });
  private readonly filter = h('input', { id: 'socket-filter', type: 'search', autocomplete: 'off', spellcheck: 'false' });
  private readonly stateSelect = h('select', { id: 'socket-state' });
  private readonly pasteText = h('textarea', { id: 'paste-text', rows: 6, spellcheck: 'false' });
  private readonly pasteButton = h('button', { id: 'paste-run', type: 'button' });
  private readonly pasteResult = h('div', { id: 'paste-result' });
  private readonly headings: Array<[HTMLElement, Parameters<typeof word>[0]]> = [];
  private latest: HostUpdate | undefined;
  private state: TcpState | undefined;
  private page = 0;
  private lastPage: SocketPage | undefined;
  private lastPaste: PasteResult | undefined;
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  private loading = 0;

  constructor(private readonly lang: () => Lang) {
    this.diagram = new StateDiagram((st) => this.selectState(st));
    const heading = (tag: 'h2' | 'h3', k: Parameters<typeof word>[0]): HTMLElement => { const el = h(tag, {}); this.headings.push([el, k]); return el; };
    this.stateSelect.append(h('option', { value: '' }), ...TCP_STATES.map((st) => h('option', { value: st }, st)));
    this.stateSelect.addEventListener('change', () => { this.state = (this.stateSelect.value || undefined) as TcpState | undefined; this.page = 0; this.diagram.select(this.state); void this.loadSockets(); });
    this.filter.addEventListener('input', () => {
      if (this.filterTimer) clearTimeout(this.filterTimer);
      this.filterTimer = setTimeout(() => { this.page = 0; void this.loadSockets(); }, 250);
    });
    this.pasteButton.addEventListener('click', () => { void this.diagnosePaste(); });
    this.root.append(
      h('div', { class: 'host-top' },
        h('div', { class: 'panel diagram-panel' }, heading('h2', 'diagram'), this.status, this.diagram.svg),
        h('div', { class: 'panel' }, heading('h2', 'findings'), this.findingsBox)),
      h('div', { class: 'panel' }, heading('h2', 'socketsOf'), h('div', { class: 'toolbar' }, this.stateSelect, this.filter), this.socketsBox),
      h('div', { class: 'panel' }, heading('h2', 'paste'), this.pasteText, h('div', { class: 'toolbar' }, this.pasteButton), this.pasteResult),
    );
    this.render();
  }

  /** A read from the server's event stream. */
  onUpdate(u: HostUpdate): void {
    this.latest = u;
    this.draw();
    if (this.state !== undefined || this.lastPage) void this.loadSockets();
  }

  onProblem(text: { en: string; zh: string }): void {
    this.status.textContent = `${word('problem', this.lang())}: ${t(text, this.lang())}`;
    this.status.classList.add('bad');
  }

  /** Everything again in the current language. */
  render(): void {
    const lang = this.lang();
    for (const [el, k] of this.headings) el.textContent = word(k, lang);
    (this.stateSelect.firstChild as HTMLOptionElement).textContent = word('allStates', lang);
    this.filter.placeholder = word('filter', lang);
    this.pasteText.placeholder = word('pasteHint', lang);
    this.pasteButton.textContent = word('diagnose', lang);
    this.draw();
    if (this.lastPage) this.drawSockets(this.lastPage);
    if (this.lastPaste) this.drawPaste(this.lastPaste);
  }

  selectState(st: TcpState): void {
    this.state = st;
    this.page = 0;
    this.stateSelect.value = st;
    this.diagram.select(st);
    void this.loadSockets();
    this.socketsBox.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  private draw(): void {
    const lang = this.lang();
    const u = this.latest;
    if (!u) { this.status.textContent = word('waiting', lang); return; }
    this.status.classList.remove('bad');
    const when = new Date(u.takenAt).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB');
    this.status.textContent = `${u.origin} · ${u.total.toLocaleString('en-US')} ${word('sockets', lang)} · ${word('read', lang)} #${u.read} ${when} · ${u.serverMs} ms`;
    this.diagram.update(u, lang);
    clear(this.findingsBox);
    this.findingsBox.append(findingsList(u.findings, u.notes, lang));
  }

  private async loadSockets(): Promise<void> {
    const ticket = ++this.loading;
    const q = new URLSearchParams();
    if (this.state) q.set('state', this.state);
    if (this.filter.value.trim()) q.set('q', this.filter.value.trim());
    q.set('page', String(this.page));
    try {
      const page = await getJson<SocketPage>(ROUTES.sockets, q);
      if (ticket !== this.loading) return;
      this.lastPage = page;
      this.drawSockets(page);
    } catch (e) {
      if (ticket !== this.loading) return;
      clear(this.socketsBox);
      this.socketsBox.append(h('p', { class: 'bad' }, e instanceof ApiFailure ? t(e.text, this.lang()) : String(e)));
    }
  }

  private drawSockets(p: SocketPage): void {
    const lang = this.lang();
    clear(this.socketsBox);
    const pages = Math.max(1, Math.ceil(p.total / p.pageSize));
    const head = h('tr', {}, ...(['state', 'local', 'peer', 'owner', 'timer', 'age'] as const).map((k) => h('th', {}, word(k, lang))), h('th', { class: 'num' }, 'Recv-Q'), h('th', { class: 'num' }, 'Send-Q'));
    const rows = p.rows.map((r) => h('tr', {},
      h('td', {}, h('a', { href: `#/explain/${r.state}`, class: 'state-chip' }, r.state)),
      h('td', { class: 'mono' }, r.local), h('td', { class: 'mono' }, r.peer),
      h('td', { class: 'owner' }, r.owner ?? '–'), h('td', {}, r.timer ?? '–'), h('td', {}, ageText(r.age, lang)),
      h('td', { class: 'num' }, r.recvQ ?? '–'), h('td', { class: 'num' }, r.sendQ ?? '–')));
    const prev = h('button', { type: 'button', disabled: p.page === 0, onclick: () => { this.page--; void this.loadSockets(); } }, word('prev', lang));
    const next = h('button', { type: 'button', disabled: p.page + 1 >= pages, onclick: () => { this.page++; void this.loadSockets(); } }, word('next', lang));
    this.socketsBox.append(
      h('p', { class: 'muted', id: 'socket-count' }, `${p.total.toLocaleString('en-US')} ${word('sockets', lang)} · ${word('pageOf', lang)} ${p.page + 1} / ${pages}`),
      h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, head), h('tbody', {}, ...rows))),
      h('div', { class: 'toolbar' }, prev, next),
    );
  }

  private async diagnosePaste(): Promise<void> {
    const text = this.pasteText.value;
    if (text.trim() === '') return;
    this.pasteButton.disabled = true;
    try {
      this.lastPaste = await postText<PasteResult>(ROUTES.paste, text);
    } catch (e) {
      this.lastPaste = { ok: false, text: e instanceof ApiFailure ? e.text : { en: String(e), zh: String(e) } };
    } finally {
      this.pasteButton.disabled = false;
    }
    this.drawPaste(this.lastPaste);
  }

  private drawPaste(r: PasteResult): void {
    const lang = this.lang();
    clear(this.pasteResult);
    if (!r.ok) { this.pasteResult.append(h('pre', { class: 'bad' }, t(r.text, lang))); return; }
    const counts = TCP_STATES.filter((st) => r.states[st] > 0).map((st) => h('span', { class: 'count-chip' }, h('a', { href: `#/explain/${st}` }, st), ` ${r.states[st]}`));
    this.pasteResult.append(
      h('p', { class: 'muted' }, `${word('pasteRead', lang)} ${r.formats.join(', ')} · ${r.total} ${word('sockets', lang)}${r.unreadLines ? ` · ${r.unreadLines} ${word('unread', lang)}` : ''}`),
      h('p', { class: 'chips' }, ...counts),
      findingsList(r.findings, r.notes, lang),
    );
  }
}
