// File descriptors as a process sees them: the lowest free number first (POSIX), starting at 3
// because 0, 1 and 2 are stdin, stdout and stderr — packetdrill scripts expect socket() to return 3.

export class FdTable<T> {
  private readonly map = new Map<number, T>();
  private readonly freed: number[] = []; // a min-heap of released numbers below `next`
  private next = 3;

  get size(): number {
    return this.map.size;
  }

  get(fd: number): T | undefined {
    return this.map.get(fd);
  }

  values(): IterableIterator<T> {
    return this.map.values();
  }

  entries(): IterableIterator<[number, T]> {
    return this.map.entries();
  }

  allocate(value: T): number {
    return this.allocateWith(() => value);
  }

  /** Allocate the lowest free fd and store what `make(fd)` builds for it. */
  allocateWith(make: (fd: number) => T): number {
    const fd = this.freed.length > 0 ? this.popFreed() : this.next++;
    this.map.set(fd, make(fd));
    return fd;
  }

  release(fd: number): boolean {
    if (!this.map.delete(fd)) return false;
    this.freed.push(fd);
    let i = this.freed.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.freed[p] <= this.freed[i]) break;
      [this.freed[p], this.freed[i]] = [this.freed[i], this.freed[p]];
      i = p;
    }
    return true;
  }

  private popFreed(): number {
    const h = this.freed;
    const top = h[0];
    const last = h.pop() as number;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && h[l] < h[m]) m = l;
        if (r < h.length && h[r] < h[m]) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
