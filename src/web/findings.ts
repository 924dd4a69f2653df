// The doctor's findings as the page shows them: summary, the evidence in numbers, the protocol
// reason and the fixes with their caveats, each state linked to its explain page.
import { t, type FindingText, type Lang, type Text } from '../public/index.js';
import { h } from './dom.js';
import { word } from './ui-words.js';

export function findingsList(findings: readonly FindingText[], notes: readonly Text[], lang: Lang): HTMLElement {
  const box = h('div', { class: 'findings' });
  if (findings.length === 0) box.append(h('p', { class: 'muted' }, word('noFindings', lang)));
  for (const f of findings) {
    const ev = f.evidence;
    const facts = [
      ev.state && h('a', { href: `#/explain/${ev.state}`, class: 'state-chip' }, ev.state),
      ev.count !== undefined && h('span', {}, `${ev.count.toLocaleString('en-US')} ${word('sockets', lang)}`),
      ev.process && h('span', {}, `${ev.process}${ev.pid !== undefined ? `/${ev.pid}` : ''}`),
      ev.localPort !== undefined && ev.localPort !== 0 && h('span', {}, `:${ev.localPort}`),
    ];
    box.append(h('details', { class: `finding sev-${f.severity}`, 'data-rule': f.id, open: f.severity !== 'info' },
      h('summary', {}, h('span', { class: 'sev' }, f.severity), ' ', t(f.summary, lang)),
      h('p', { class: 'facts' }, ...facts.flatMap((x) => (x ? [x, ' '] : []))),
      h('h4', {}, word('why', lang)),
      h('p', {}, t(f.explanation, lang)),
      f.fixes.length > 0 && h('h4', {}, word('fixes', lang)),
      f.fixes.length > 0 && h('ul', {}, ...f.fixes.map((x) => h('li', {}, t(x.text, lang), x.caveat && h('div', { class: 'caveat' }, `${word('caveat', lang)}: ${t(x.caveat, lang)}`)))),
      f.missing?.length ? h('p', { class: 'muted' }, f.missing.map((m) => t(m, lang)).join(' ')) : false,
    ));
  }
  if (notes.length) box.append(h('div', { class: 'notes' }, h('h4', {}, word('notes', lang)), h('ul', {}, ...notes.map((n) => h('li', {}, t(n, lang))))));
  return box;
}
