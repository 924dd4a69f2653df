// Is this text at all? Decided from the first bytes only (NOT_TEXT_PREFIX), so 50 MB of random
// bytes is refused in the time it takes to look at 64 kB, and the refusal says what it saw.
//
// Rules this file keeps:
// - Known file types are named by their magic numbers (the ones people save by mistake or hand us
//   instead of the capture: archives, executables, images, packet captures).
// - UTF-16 (PowerShell's `>` on Windows) is text: its NULs fall on one side of each byte pair.
// - Anything else with NULs or C0 control bytes a terminal never prints (more than 1 in 100) is
//   binary. Bytes >= 0x80 that are not valid UTF-8 are not enough on their own: a GBK, cp850 or
//   cp1252 paste has them and no control bytes.
import type { Text } from '../i18n/lang.js';

/** How many leading bytes decide. */
export const NOT_TEXT_PREFIX = 64 * 1024;

interface Magic { at: number; bytes: number[]; what: Text }

const b = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const MAGICS: readonly Magic[] = [
  { at: 0, bytes: [0x1f, 0x8b], what: { en: 'gzip data: tcplens reads .tar.gz captures directly (tcplens doctor --input capture.tar.gz)', zh: 'gzip 数据：tcplens 可直接读取 .tar.gz 抓取包（tcplens doctor --input capture.tar.gz）' } },
  { at: 257, bytes: b('ustar'), what: { en: 'a tar archive: give tcplens the .tar.gz, or unpack it and give the folder', zh: 'tar 归档：请直接给 tcplens .tar.gz，或解包后给出目录' } },
  { at: 0, bytes: [0x7f, 0x45, 0x4c, 0x46], what: { en: 'an ELF binary (a program, not its output)', zh: 'ELF 可执行文件（是程序本身，不是它的输出）' } },
  { at: 0, bytes: b('MZ'), what: { en: 'a Windows executable (a program, not its output)', zh: 'Windows 可执行文件（是程序本身，不是它的输出）' } },
  { at: 0, bytes: [0xcf, 0xfa, 0xed, 0xfe], what: { en: 'a Mach-O binary (a program, not its output)', zh: 'Mach-O 可执行文件（是程序本身，不是它的输出）' } },
  { at: 0, bytes: [0xca, 0xfe, 0xba, 0xbe], what: { en: 'a Mach-O universal binary or Java class file', zh: 'Mach-O 通用二进制或 Java class 文件' } },
  { at: 0, bytes: [0x89, 0x50, 0x4e, 0x47], what: { en: 'a PNG image: paste the text of the output, not a screenshot', zh: 'PNG 图片：请粘贴输出的文本，而不是截图' } },
  { at: 0, bytes: [0xff, 0xd8, 0xff], what: { en: 'a JPEG image: paste the text of the output, not a screenshot', zh: 'JPEG 图片：请粘贴输出的文本，而不是截图' } },
  { at: 0, bytes: b('GIF8'), what: { en: 'a GIF image: paste the text of the output, not a screenshot', zh: 'GIF 图片：请粘贴输出的文本，而不是截图' } },
  { at: 0, bytes: b('%PDF'), what: { en: 'a PDF document', zh: 'PDF 文档' } },
  { at: 0, bytes: [0x50, 0x4b, 0x03, 0x04], what: { en: 'a zip archive: unpack it and give tcplens the folder', zh: 'zip 归档：请解包后给出目录' } },
  { at: 0, bytes: b('BZh'), what: { en: 'bzip2 data: decompress it first (bunzip2), or capture as .tar.gz', zh: 'bzip2 数据：请先解压（bunzip2），或打包成 .tar.gz' } },
  { at: 0, bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: { en: 'xz data: decompress it first (unxz), or capture as .tar.gz', zh: 'xz 数据：请先解压（unxz），或打包成 .tar.gz' } },
  { at: 0, bytes: [0x28, 0xb5, 0x2f, 0xfd], what: { en: 'zstd data: decompress it first (unzstd), or capture as .tar.gz', zh: 'zstd 数据：请先解压（unzstd），或打包成 .tar.gz' } },
  { at: 0, bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: { en: 'a 7-Zip archive: unpack it and give tcplens the folder', zh: '7-Zip 归档：请解包后给出目录' } },
  { at: 0, bytes: [0xd4, 0xc3, 0xb2, 0xa1], what: { en: 'a pcap packet capture (tcpdump -w): tcplens reads socket tables (ss, netstat), not packets', zh: 'pcap 抓包文件（tcpdump -w）：tcplens 读取套接字列表（ss、netstat），不读数据包' } },
  { at: 0, bytes: [0xa1, 0xb2, 0xc3, 0xd4], what: { en: 'a pcap packet capture (tcpdump -w): tcplens reads socket tables (ss, netstat), not packets', zh: 'pcap 抓包文件（tcpdump -w）：tcplens 读取套接字列表（ss、netstat），不读数据包' } },
  { at: 0, bytes: [0x0a, 0x0d, 0x0d, 0x0a], what: { en: 'a pcapng packet capture: tcplens reads socket tables (ss, netstat), not packets', zh: 'pcapng 抓包文件：tcplens 读取套接字列表（ss、netstat），不读数据包' } },
  { at: 0, bytes: b('SQLite format 3'), what: { en: 'an SQLite database', zh: 'SQLite 数据库' } },
];

function startsWith(bytes: Uint8Array, m: Magic): boolean {
  if (bytes.length < m.at + m.bytes.length) return false;
  return m.bytes.every((x, i) => bytes[m.at + i] === x);
}

/** True when the NULs sit on one side of each byte pair: UTF-16 text of mostly ASCII. */
function looksUtf16(bytes: Uint8Array, n: number): boolean {
  let even = 0, odd = 0;
  for (let i = 0; i < n; i++) if (bytes[i] === 0) { if (i & 1) odd++; else even++; }
  return Math.max(even, odd) > n / 4 && Math.min(even, odd) <= Math.max(even, odd) / 50;
}

/** A C0 control byte no terminal output contains (tab, newlines, form feed and ESC are text). */
const isControl = (x: number): boolean => (x < 0x20 && x !== 0x09 && x !== 0x0a && x !== 0x0d && x !== 0x0c && x !== 0x1b) || x === 0x7f;

/**
 * What the bytes are when they are not text a tool printed (undefined when they may be). Looks at
 * NOT_TEXT_PREFIX bytes at most.
 */
export function notTextReason(bytes: Uint8Array): Text | undefined {
  const n = Math.min(bytes.length, NOT_TEXT_PREFIX);
  if (n === 0) return undefined;
  for (const m of MAGICS) if (startsWith(bytes, m)) return m.what;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || looksUtf16(bytes, n)) return undefined;
  let nul = 0, control = 0;
  for (let i = 0; i < n; i++) {
    const x = bytes[i];
    if (x === 0) nul++;
    else if (isControl(x)) control++;
  }
  // A stray NUL or two in a long paste is a copy accident; one in a hundred bytes is not text.
  if (nul * 100 > n) {
    const pct = Math.max(1, Math.round((100 * nul) / n));
    return { en: `binary data (${pct}% NUL bytes in the first ${kb(n)}), not the text of a tool's output`, zh: `二进制数据（前 ${kb(n)} 中 ${pct}% 为 NUL 字节），不是工具输出的文本` };
  }
  if ((nul + control) * 100 > n) {
    return { en: `binary data (${nul + control} control bytes in the first ${kb(n)}), not the text of a tool's output`, zh: `二进制数据（前 ${kb(n)} 中有 ${nul + control} 个控制字节），不是工具输出的文本` };
  }
  return undefined;
}

/**
 * The same test for text already decoded (a paste handed over as a string): NULs and control
 * characters. U+FFFD is not counted: a GBK or cp850 paste decoded as UTF-8 is full of them and is
 * still text (the netstat parsers read its ASCII columns).
 */
export function notTextReasonOfString(text: string): Text | undefined {
  const n = Math.min(text.length, NOT_TEXT_PREFIX);
  let nul = 0, control = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) nul++;
    else if (c < 0x80 && isControl(c)) control++;
  }
  // UTF-16 read as UTF-8 leaves a NUL after every ASCII character: repairText undoes it.
  if (nul > n / 4 && control * 100 <= n) return undefined;
  if ((nul + control) * 100 > n) {
    return { en: `binary data (${nul} NUL and ${control} control characters in the first ${kb(n)}), not the text of a tool's output`, zh: `二进制数据（前 ${kb(n)} 中有 ${nul} 个 NUL、${control} 个控制字符），不是工具输出的文本` };
  }
  return undefined;
}

function kb(n: number): string {
  return n >= 1024 ? `${Math.round(n / 1024)} kB` : `${n} bytes`;
}
