// Why exact mode cannot run here, in one line each, in English and Chinese. The caller prints the
// line and polls instead.
import type { Text } from '../../i18n/lang.js';

export type UnavailableReason = 'not-linux' | 'not-root' | 'no-tracefs' | 'no-tracepoint' | 'netns' | 'failed';

export function unavailableText(reason: UnavailableReason, detail = ''): Text {
  switch (reason) {
    case 'not-linux':
      return { en: 'exact mode (--trace) needs Linux tracefs; polling instead', zh: '精确模式（--trace）需要 Linux 的 tracefs；改为轮询' };
    case 'not-root':
      return { en: 'exact mode (--trace) needs root to use tracefs; polling instead', zh: '精确模式（--trace）需要 root 权限才能使用 tracefs；改为轮询' };
    case 'no-tracefs':
      return {
        en: 'exact mode (--trace): tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing); polling instead',
        zh: '精确模式（--trace）：tracefs 未挂载（mount -t tracefs nodev /sys/kernel/tracing）；改为轮询',
      };
    case 'no-tracepoint':
      return {
        en: 'exact mode (--trace): this kernel has no sock:inet_sock_set_state tracepoint (Linux 4.16+); polling instead',
        zh: '精确模式（--trace）：此内核没有 sock:inet_sock_set_state 跟踪点（需 Linux 4.16+）；改为轮询',
      };
    case 'netns':
      return {
        en: `exact mode (--trace): cannot read the namespace's addresses${detail ? ` (${detail})` : ''}; polling instead`,
        zh: `精确模式（--trace）：无法读取该命名空间的地址${detail ? `（${detail}）` : ''}；改为轮询`,
      };
    case 'failed':
      return {
        en: `exact mode (--trace): tracefs refused the trace${detail ? ` (${detail})` : ''}; polling instead`,
        zh: `精确模式（--trace）：tracefs 拒绝了跟踪${detail ? `（${detail}）` : ''}；改为轮询`,
      };
  }
}

/** The raw (binary) reader could not be used: the text pipe is read instead. */
export function rawFallbackText(detail: string): Text {
  return {
    en: `exact mode (--trace): reading the text trace_pipe, slower (the binary trace_pipe_raw cannot be used: ${detail})`,
    zh: `精确模式（--trace）：改为读取文本 trace_pipe，较慢（无法使用二进制 trace_pipe_raw：${detail}）`,
  };
}
