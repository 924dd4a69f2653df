// Big pasted inputs for the CLI at scale: the same sockets as `ss -tan` prints them and as
// /proc/net/tcp holds them, so the two readers can be compared row for row.

/** `ss -tan`: half ESTABLISHED, half TIME-WAIT, every row a different 4-tuple. */
export function ssTan(n: number): string {
  const rows = ['State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process'];
  for (let i = 0; i < n; i++) {
    rows.push(`${i % 2 ? 'TIME-WAIT' : 'ESTAB'}      0      0      10.${i >> 16}.${(i >> 8) & 255}.${i & 255}:${1024 + (i % 60_000)}     10.200.0.1:${5000 + (i % 7)}`);
  }
  return rows.join('\n') + '\n';
}

/** /proc/net/tcp: the same mix, as the kernel prints it. */
export function procNetTcp(n: number): string {
  const hex = (v: number, w: number): string => v.toString(16).toUpperCase().padStart(w, '0');
  const rows = ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'];
  for (let i = 0; i < n; i++) {
    const tw = i % 2 === 1;
    // Addresses in the kernel's byte order: 10.x.y.z little-endian is z.y.x.10.
    const local = `${hex(i & 255, 2)}${hex((i >> 8) & 255, 2)}${hex(i >> 16, 2)}0A:${hex(1024 + (i % 60_000), 4)}`;
    rows.push(`${String(i).padStart(4)}: ${local} 0100C80A:${hex(5000 + (i % 7), 4)} ${tw ? '06' : '01'} 00000000:00000000 ${tw ? '03:00000F00' : '00:00000000'} 00000000     0        0 ${tw ? 0 : 100_000 + i} 1 0000000000000000 20 4 30 10 -1`);
  }
  return rows.join('\n') + '\n';
}
