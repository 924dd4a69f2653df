// The page of `tcplens serve`: three views behind the hash (#/host, #/lab/NAME, #/explain/STATE),
// a language switch (English, 中文) and a light/dark theme, both remembered in localStorage.
// Everything it shows comes from the server's typed API (./messages.ts) and the pure `tcplens`
// library; no framework, no inline script or style (the server's CSP forbids both).
import { parseLang, type Lang } from '../public/index.js';
import { subscribe } from './api.js';
import { byId, clear, h } from './dom.js';
import { ExplainView } from './explain-view.js';
import { HostView } from './host-view.js';
import { LabView } from './lab-view.js';
import { ROUTES } from './messages.js';
import { word } from './ui-words.js';

function stored(key: string): string | null {
  try { return localStorage.getItem(key); } catch { return null; }
}
function store(key: string, v: string): void {
  try { localStorage.setItem(key, v); } catch { /* private mode: not remembered */ }
}

let lang: Lang = parseLang(stored('tcplens.lang') ?? '') ?? (navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en');
const getLang = (): Lang => lang;
const host = new HostView(getLang);
const lab = new LabView(getLang);
const explain = new ExplainView(getLang);

const nav = {
  host: h('a', { href: '#/host', id: 'nav-host' }),
  lab: h('a', { href: '#/lab', id: 'nav-lab' }),
  explain: h('a', { href: '#/explain', id: 'nav-explain' }),
};
const langButton = h('button', { type: 'button', id: 'lang' });
const themeButton = h('button', { type: 'button', id: 'theme' });

function applyTheme(theme: string | null): void {
  const dark = theme === 'dark' || (theme === null && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  themeButton.textContent = dark ? '☀' : '☾';
}

function renderFrame(): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  nav.host.textContent = word('host', lang);
  nav.lab.textContent = word('lab', lang);
  nav.explain.textContent = word('explain', lang);
  langButton.textContent = word('otherLang', lang);
  themeButton.title = word('theme', lang);
}

function route(): void {
  const [, view = 'host', arg] = location.hash.split('/');
  for (const v of [host, lab, explain]) v.root.hidden = true;
  for (const [k, a] of Object.entries(nav)) a.classList.toggle('current', k === view || (view === '' && k === 'host'));
  if (view === 'lab') { lab.root.hidden = false; void lab.show(arg); }
  else if (view === 'explain') { explain.root.hidden = false; explain.show(arg); window.scrollTo(0, 0); }
  else host.root.hidden = false;
}

langButton.addEventListener('click', () => {
  lang = lang === 'en' ? 'zh' : 'en';
  store('tcplens.lang', lang);
  renderFrame();
  host.render();
  lab.render();
  explain.render();
});
themeButton.addEventListener('click', () => {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  store('tcplens.theme', next);
  applyTheme(next);
});

const app = byId('app');
clear(app);
app.append(
  h('header', { class: 'top' }, h('strong', { class: 'brand' }, 'tcplens'), h('nav', {}, nav.host, nav.lab, nav.explain), h('span', { class: 'spacer' }), langButton, themeButton),
  h('main', {}, host.root, lab.root, explain.root),
);
applyTheme(stored('tcplens.theme'));
renderFrame();
window.addEventListener('hashchange', route);
route();
subscribe(ROUTES.events, (e) => {
  if (e.type === 'host') host.onUpdate(e);
  else host.onProblem(e.text);
});
