// `--netns all`: every namespace `ip netns add` has named, i.e. the files under /run/netns, listed
// again at each scrape so a namespace made or deleted after the exporter started is followed.
import { readdir } from 'node:fs/promises';

export const NETNS_DIR = '/run/netns';

export async function namedNamespaces(dir = NETNS_DIR): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => /^[A-Za-z0-9_.-]{1,64}$/.test(n)).sort();
  } catch {
    return [];
  }
}
