// `tcplens explain STATE` as a page: what the state means, who is in it, every way in and out
// (from the library's transition table), how it ends, and what a pile of it means — linked from
// the diagram, the socket list, the findings and the lab.
import { explainState, TCP_STATES, isTcpState, type ExplainTransition, type Lang, type TcpState } from '../public/index.js';
import { clear, h } from './dom.js';
import { word } from './ui-words.js';

export class ExplainView {
  readonly root = h('section', { id: 'explain-view', class: 'view' });
  private state: TcpState = 'CLOSE-WAIT';

  constructor(private readonly lang: () => Lang) {}

  show(name: string | undefined): void {
    if (name && isTcpState(name)) this.state = name;
    this.render();
  }

  render(): void {
    const lang = this.lang();
    const e = explainState(this.state, lang);
    const ways = (list: ExplainTransition[], other: 'from' | 'to'): HTMLElement => h('ul', {}, ...list.map((x) => h('li', {},
      h('a', { href: `#/explain/${x[other]}`, class: 'state-chip' }, x[other]), ' ', x.event,
      x.sends ? ` — ${word('sends', lang)} ${x.sends}` : '', x.note ? h('div', { class: 'muted' }, x.note) : false,
      h('div', { class: 'rule muted' }, x.rule))));
    clear(this.root);
    this.root.append(
      h('nav', { class: 'state-index panel' }, ...TCP_STATES.map((st) => h('a', { href: `#/explain/${st}`, class: `state-chip${st === this.state ? ' current' : ''}` }, st))),
      h('article', { class: 'panel explain', id: 'explain' },
        h('h2', {}, e.state),
        h('p', { class: 'muted' }, `${word('spellings', lang)}: ss ${e.spellings.ss} · netstat ${e.spellings.netstat} · /proc/net/tcp ${e.spellings.procCode}`),
        h('h3', {}, word('meaning', lang)), h('p', {}, e.meaning),
        h('h3', {}, word('who', lang)), h('p', {}, e.who),
        h('h3', {}, word('waysIn', lang)), ways(e.waysIn, 'from'),
        h('h3', {}, word('waysOut', lang)), ways(e.waysOut, 'to'),
        h('h3', {}, word('ends', lang)), h('p', {}, e.ends),
        h('h3', {}, word('many', lang)), h('p', {}, e.many),
        e.rules.length > 0 && h('p', { class: 'muted' }, `${word('rules', lang)}: ${e.rules.join(', ')}`)),
    );
  }
}
