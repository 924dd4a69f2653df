// A capture file's bytes in, connections out: the reader (src/pcap/capture-reader.ts), the TCP
// decoder (src/pcap/decode-packet.ts) and the analysis (capture-analysis.ts) in one push
// interface, so the CLI streams a file of any size through it in chunks and a test hands it a
// whole file. Packets that cannot be read are problems with their place in the file; reading goes
// on after them. A file that cannot be read further throws CaptureFileError from push or end.
import { CaptureReader } from '../../pcap/capture-reader.js';
import { decodeTcp, isSkip } from '../../pcap/decode-packet.js';
import { CaptureAnalysis, type AnalysisOptions, type ConnectionReport } from './capture-analysis.js';

export interface CaptureProblem { packet: number; offset: number; message: string }

export interface CaptureTotals {
  format: 'pcap' | 'pcapng' | undefined;
  packets: number;
  tcpPackets: number;
  connections: number;
  /** The first problems (at most 100); `problemCount` counts them all. */
  problems: CaptureProblem[];
  problemCount: number;
}

const MAX_PROBLEMS = 100;

export class CaptureStream {
  private reader = new CaptureReader();
  private analysis: CaptureAnalysis;
  private tcp = 0;
  private problems: CaptureProblem[] = [];
  private problemCount = 0;

  constructor(o: AnalysisOptions) {
    this.analysis = new CaptureAnalysis(o);
  }

  push(chunk: Uint8Array): void {
    for (const f of this.reader.push(chunk)) {
      const p = decodeTcp(f.linkType, f.data);
      if (isSkip(p)) {
        if (p.skip === 'not-tcp') continue;
        const cut = p.skip === 'cut' && f.data.length < f.origLen ? ` (${f.data.length} of its ${f.origLen} bytes were captured: tcpdump -s ${f.data.length} or a smaller snapshot length)` : '';
        this.problem({ packet: f.index, offset: f.offset, message: `${p.why}${cut}` });
        continue;
      }
      this.tcp++;
      this.analysis.add(p, f.atMs, f.index);
    }
    if (this.reader.failure) throw this.reader.failure;
  }

  /** The file ended: reports every connection still open, then checks the file was whole (CaptureFileError if not). */
  end(): CaptureTotals {
    this.finishAnalysis();
    const totals = this.totals();
    this.reader.end();
    return totals;
  }

  /** After a CaptureFileError: reports the connections read before the damage. */
  endDamaged(): CaptureTotals {
    this.finishAnalysis();
    return this.totals();
  }

  private finished = false;

  private finishAnalysis(): void {
    if (this.finished) return;
    this.finished = true;
    this.analysis.finish();
  }

  totals(): CaptureTotals {
    return {
      format: this.reader.format, packets: this.reader.packetCount, tcpPackets: this.tcp, connections: this.analysis.connections,
      problems: this.problems, problemCount: this.problemCount,
    };
  }

  private problem(p: CaptureProblem): void {
    this.problemCount++;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(p);
  }
}

/** A whole capture in memory, every connection with its rows (tests, small files). */
export function analyzeCapture(bytes: Uint8Array): { reports: ConnectionReport[]; totals: CaptureTotals } {
  const reports: ConnectionReport[] = [];
  const s = new CaptureStream({ keepRows: () => true, onConnection: (r) => reports.push(r) });
  s.push(bytes);
  const totals = s.end();
  reports.sort((a, b) => a.index - b.index);
  return { reports, totals };
}
